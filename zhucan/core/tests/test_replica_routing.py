"""The heavy read-only pages and the report export read from the replica when it is fresh, from
the primary when it is behind, unreachable or has not yet replayed the reader's own writes; every
write and every unmarked page stays on the primary.

There is no real replica here: the alias ``replica`` reads the test database through a
connection of its own (``TEST: MIRROR``), so a test sees which connection ran which query, and
the replica's lag and replayed position are what ``FakeReplica`` says."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.http import HttpRequest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from zhucan.activities.tests.conftest import run_worker
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core import routing
from zhucan.core.models import AuditEntry
from zhucan.stats.models import ExportJob
from zhucan.stats.selectors import NO_FILTERS
from zhucan.stats.services.export_jobs import start_export
from zhucan.stats.tasks import EXPORT_TASK_PATH
from zhucan.stats.tests.conftest import Story, build_story
from zhucan.testing.auth import login_verified

EVERYTHING = 2**64 - 1  # a replayed position past any the primary can have

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the replica is read only behind PostgreSQL"
)
# Committed data, so that the replica's own connection sees it.
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@dataclass
class FakeReplica:
    """What ``routing.measure_replica`` answers: how far behind, what it has replayed, or
    that it cannot be reached."""

    lag: float | None = 0.0
    replayed: int = EVERYTHING
    down: bool = False
    measured: int = 0

    def __call__(self, alias: str) -> routing.ReplicaState:
        assert alias == "replica"
        self.measured += 1
        if self.down:
            raise OperationalError("could not connect to server at replica.internal:5433")
        return routing.ReplicaState(lag_seconds=self.lag, replayed=self.replayed)


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeReplica]:
    fake = FakeReplica()
    monkeypatch.setattr(routing, "measure_replica", fake)
    monkeypatch.setattr(routing, "_unreachable_until", {})
    with override_settings(DATABASE_REPLICAS=["replica"], REPLICA_MAX_LAG_SECONDS=30):
        yield fake


@dataclass
class Reads:
    """The queries each connection ran during one request."""

    primary: list[str]
    replica: list[str]

    def replica_read_the_figures(self) -> bool:
        return any('"stats_' in sql or '"activities_' in sql for sql in self.replica)


def reads(do: Callable[[], Any]) -> tuple[Any, Reads]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        result = do()
    return result, Reads(
        primary=[q["sql"] for q in primary.captured_queries],
        replica=[q["sql"] for q in on_replica.captured_queries],
    )


def counted(database: str, reason: str) -> float:
    """``zhucan_replica_reads_total`` so far (the counter lives as long as the process)."""
    labels = {"database": database, "reason": reason}
    return REGISTRY.get_sample_value("zhucan_replica_reads_total", labels) or 0.0


def writes(queries: list[str]) -> list[str]:
    return [
        sql for sql in queries if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def dashboard_url(story: Story) -> str:
    return reverse("stats:dashboard", args=[story.campaign.pk])


def get_ok(client: Client, url: str) -> Reads:
    response, found = reads(lambda: client.get(url))
    assert response.status_code == 200
    return found


def written_position(client: Client) -> int:
    """The position the browser's cookie holds (its last write)."""
    request = HttpRequest()
    request.COOKIES[routing.COOKIE] = client.cookies[routing.COOKIE].value
    found = routing.parse_position(routing.written_position(request))
    assert found is not None
    return found


@pytest.fixture
def story_committed(world: World) -> Story:
    return build_story(world)


def signed_in(world_user: Any) -> Client:
    return login_verified(Client(), world_user)


# --- Without a replica: nothing changes --------------------------------------------------------


@pytest.mark.django_db
def test_without_a_replica_nothing_is_measured_and_no_cookie_is_set(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeReplica()
    monkeypatch.setattr(routing, "measure_replica", fake)
    story = build_story(world)
    client = signed_in(world.city_officer)
    assert client.get(dashboard_url(story)).status_code == 200
    start = reverse("stats:start_export", args=[story.campaign.pk, world.city.pk])
    assert client.post(start).status_code == 302
    assert fake.measured == 0
    assert routing.COOKIE not in client.cookies
    task = DBTaskResult.objects.get(task_path=EXPORT_TASK_PATH)
    assert task.args_kwargs["kwargs"]["read_after"] is None


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite shape")
@pytest.mark.django_db
def test_on_sqlite_a_configured_replica_is_never_asked(world: World, replica: FakeReplica) -> None:
    story = build_story(world)
    assert signed_in(world.city_officer).get(dashboard_url(story)).status_code == 200
    assert replica.measured == 0


# --- A marked page: the replica when it is fresh ---------------------------------------------


@on_postgresql
@with_replica
def test_a_marked_page_reads_from_a_fresh_replica_asking_it_once(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    client = signed_in(world.city_officer)
    found = get_ok(client, dashboard_url(story_committed))
    assert replica.measured == 1
    assert found.replica_read_the_figures()
    assert writes(found.replica) == []
    # What the primary still read: the session and the signed-in person, before the view.
    assert not any('"stats_' in sql for sql in found.primary)


@on_postgresql
@with_replica
@pytest.mark.parametrize("lag", [45.0, None])
def test_a_replica_behind_the_bound_or_that_cannot_tell_is_not_read(
    world: World, story_committed: Story, replica: FakeReplica, lag: float | None
) -> None:
    replica.lag = lag
    before = counted("primary", "behind")
    found = get_ok(signed_in(world.city_officer), dashboard_url(story_committed))
    assert replica.measured == 1
    assert counted("primary", "behind") == before + 1
    assert found.replica == []
    assert any('"stats_' in sql for sql in found.primary)


@on_postgresql
@with_replica
def test_a_replica_a_few_seconds_behind_is_read(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    replica.lag = 3.0
    found = get_ok(signed_in(world.city_officer), dashboard_url(story_committed))
    assert found.replica_read_the_figures()


@on_postgresql
@with_replica
@pytest.mark.parametrize(
    "name", ["stats:export", "completeness:campaign", "completeness:export", "statistical_report"]
)
def test_the_downloads_and_completeness_are_marked_too(
    world: World, story_committed: Story, replica: FakeReplica, name: str
) -> None:
    campaign = story_committed.campaign
    url = {
        "stats:export": reverse("stats:export", args=[campaign.pk, world.city.pk]),
        "completeness:campaign": reverse("completeness:campaign", args=[campaign.pk]),
        "completeness:export": reverse("completeness:export", args=[campaign.pk]),
        "statistical_report": reverse("stats:statistical_report", args=[campaign.pk]),
    }[name]
    found = get_ok(signed_in(world.city_officer), url)
    assert replica.measured == 1
    assert any("campaigns_campaign" in sql for sql in found.replica)


@on_postgresql
@with_replica
def test_a_marked_page_that_writes_writes_to_the_primary(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    """The dashboard's download reads the figures from the replica and audits on the primary."""
    url = reverse("stats:export", args=[story_committed.campaign.pk, world.city.pk])
    found = get_ok(signed_in(world.city_officer), url)
    assert found.replica_read_the_figures()
    assert writes(found.replica) == []
    assert any("INSERT" in sql and "core_auditentry" in sql for sql in found.primary)
    assert AuditEntry.objects.filter(action="stats.dashboard.downloaded").count() == 1


# --- Unmarked pages, writes, transactions: the primary ---------------------------------------


@on_postgresql
@with_replica
def test_unmarked_pages_and_posts_never_read_the_replica(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    client = signed_in(world.city_officer)
    campaign = story_committed.campaign
    reports = reverse("stats:reports", args=[campaign.pk, world.county_a.pk])
    assert get_ok(client, reports).replica == []
    start = reverse("stats:start_export", args=[campaign.pk, world.city.pk])
    response, found = reads(lambda: client.post(start))
    assert response.status_code == 302
    assert found.replica == [] and replica.measured == 0


@on_postgresql
@with_replica
def test_reads_inside_a_transaction_on_the_primary_stay_there(
    world: World, replica: FakeReplica
) -> None:
    def work() -> tuple[int, int]:
        with transaction.atomic():
            inside = Campaign.objects.count()
        return inside, Campaign.objects.count()

    (inside, outside), found = reads(lambda: routing.read_from_replica(work, after=None))
    assert inside == outside
    assert len(found.replica) == 1 and "campaigns_campaign" in found.replica[0]
    assert sum("campaigns_campaign" in sql for sql in found.primary) == 1


# --- Read-your-writes -------------------------------------------------------------------------


@on_postgresql
@with_replica
def test_after_a_persons_own_write_their_pages_wait_for_the_replica_others_do_not(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    writer = signed_in(world.city_officer)
    other = signed_in(world.city_admin)
    url = dashboard_url(story_committed)
    start = reverse("stats:start_export", args=[story_committed.campaign.pk, world.city.pk])
    assert writer.post(start).status_code == 302
    written = written_position(writer)

    replica.replayed = written - 1  # the write has not reached it
    waited, fresh = counted("primary", "own_writes"), counted("replica", "fresh")
    assert get_ok(writer, url).replica == []
    assert get_ok(other, url).replica_read_the_figures()
    assert (counted("primary", "own_writes"), counted("replica", "fresh")) == (
        waited + 1,
        fresh + 1,
    )

    replica.replayed = written  # now it has
    assert get_ok(writer, url).replica_read_the_figures()


@on_postgresql
@with_replica
def test_a_forged_or_mangled_position_cookie_counts_for_nothing(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    client = signed_in(world.city_officer)
    client.cookies[routing.COOKIE] = "FFFFFFFF/FFFFFFFF"  # unsigned: as if never written
    replica.replayed = 1
    assert get_ok(client, dashboard_url(story_committed)).replica_read_the_figures()


# --- Jobs ----------------------------------------------------------------------------------


@on_postgresql
@with_replica
def test_an_export_job_waits_for_the_position_it_was_queued_at(
    world: World, story_committed: Story, replica: FakeReplica
) -> None:
    campaign, by = story_committed.campaign, world.city_officer
    run_worker()  # what publishing the campaigns queued

    def queue() -> tuple[ExportJob, int]:
        job = start_export(by=by, campaign=campaign, node=world.city, filters=NO_FILTERS)
        task = DBTaskResult.objects.ready().get(task_path=EXPORT_TASK_PATH)
        after = routing.parse_position(task.args_kwargs["kwargs"]["read_after"])
        assert after is not None
        return job, after

    first, queued_at = queue()
    replica.replayed = queued_at - 1
    ran, found = reads(run_worker)
    first.refresh_from_db()
    assert (ran, first.status, first.rows_done) == (1, "done", 4)
    assert not found.replica_read_the_figures()

    second, queued_at = queue()
    replica.replayed = queued_at
    ran, found = reads(run_worker)
    second.refresh_from_db()
    assert (ran, second.status, second.rows_done) == (1, "done", 4)
    assert found.replica_read_the_figures()
    # Its progress and its end are written on the primary.
    assert writes(found.replica) == []


# --- A replica that fails ------------------------------------------------------------------


@on_postgresql
@with_replica
def test_an_unreachable_replica_is_left_alone_for_a_while_and_the_page_is_served(
    world: World,
    story_committed: Story,
    replica: FakeReplica,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replica.down = True
    before = counted("primary", "unreachable")
    client = signed_in(world.city_officer)
    url = dashboard_url(story_committed)
    with caplog.at_level(logging.WARNING, logger="zhucan.core.routing"):
        assert get_ok(client, url).replica == []
    assert "Replica replica cannot be reached" in caplog.text
    assert get_ok(client, url).replica == []
    assert replica.measured == 1  # not asked again within REPLICA_RETRY_SECONDS
    assert counted("primary", "unreachable") == before + 2
    routing._unreachable_until.clear()  # the time has passed
    replica.down = False
    assert get_ok(client, url).replica_read_the_figures()


@on_postgresql
@with_replica
def test_a_query_that_fails_on_the_replica_is_read_again_from_the_primary(
    world: World,
    story_committed: Story,
    replica: FakeReplica,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = signed_in(world.city_officer)
    url = dashboard_url(story_committed)
    expected = client.get(url).content.count(b'class="num"')

    def conflict(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        raise OperationalError("canceling statement due to conflict with recovery")

    before = counted("primary", "failed")
    with (
        caplog.at_level(logging.WARNING, logger="zhucan.core.routing"),
        connections["replica"].execute_wrapper(conflict),
    ):
        response, found = reads(lambda: client.get(url))
    assert counted("primary", "failed") == before + 1
    assert response.status_code == 200
    assert response.content.count(b'class="num"') == expected
    assert "A read from replica replica failed" in caplog.text
    assert any('"stats_' in sql for sql in found.primary)
