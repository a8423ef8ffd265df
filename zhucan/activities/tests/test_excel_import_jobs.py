"""The confirmed Excel import as background work: queued once, run by the worker on the real
database queue, followed on a progress page (and its JSON), all or nothing when it fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zhucan.accounts.models import User
from zhucan.activities.excel import IMPORT_ACTION
from zhucan.activities.models import ActivityReport, ImportJob
from zhucan.activities.services import imports
from zhucan.activities.services.reports import save_report
from zhucan.activities.tasks import IMPORT_TASK_PATH
from zhucan.activities.tests.conftest import run_worker
from zhucan.activities.tests.test_excel import _check, _confirm, _row, _token, _upload, _url, _xlsx
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


@pytest.fixture
def reporter_client(client: Client, county_reporter: User) -> Client:
    login_verified(client, county_reporter)
    return client


def _file(world: World, n: int = 3) -> bytes:
    return _xlsx([_row(world.county_a.name, title=f"活动{i}") for i in range(1, n + 1)])


def _queue(client: Client, campaign: Campaign, data: bytes) -> TestResponse:
    """Dry run, then confirm; the worker does not run yet."""
    response = _check(client, campaign, data)
    return _confirm(client, campaign, data, _token(response), work=False)


def _page(campaign: Campaign, job: ImportJob | None = None) -> str:
    url = reverse("activities:import_job", kwargs={"campaign_pk": campaign.pk})
    return f"{url}?job={job.pk}" if job else url


def _json(campaign: Campaign, job: ImportJob) -> str:
    url = reverse("activities:import_job_status", kwargs={"campaign_pk": campaign.pk})
    return f"{url}?job={job.pk}"


def test_queued_then_run_by_the_worker_to_100_percent(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    response = _queue(reporter_client, campaign, _file(world, 3))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(campaign, job)
    assert (job.status, job.rows_total, job.rows_done, job.organisation) == (
        "queued",
        3,
        0,
        world.county_a,
    )
    assert job.data  # kept for the worker
    assert DBTaskResult.objects.filter(task_path=IMPORT_TASK_PATH).count() == 1
    assert not ActivityReport.objects.exists()

    page = reporter_client.get(_page(campaign, job)).content.decode()
    assert "Waiting for the background worker to import 3 rows." in page
    assert '<progress id="import-progress" class="progress" max="100">' in page  # indeterminate
    assert "job-progress.js" in page and "data-import-reload" in page
    body = reporter_client.get(_json(campaign, job)).json()
    assert (body["status"], body["percent"], body["finished"]) == ("queued", None, False)

    assert run_worker() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.percent, job.imported) == ("done", 3, 100, 3)
    assert job.data == b"" and job.finished_at is not None
    assert ActivityReport.objects.count() == 3
    assert DBTaskResult.objects.get(task_path=IMPORT_TASK_PATH).status == (
        TaskResultStatus.SUCCESSFUL
    )
    assert AuditEntry.objects.get(action=IMPORT_ACTION).changes["job"] == job.pk

    response = reporter_client.get(_json(campaign, job))
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert (body["status"], body["percent"], body["finished"]) == ("done", 100, True)
    assert body["text"] == "Done: 3 activity reports were imported as drafts."
    page = reporter_client.get(_page(campaign, job)).content.decode()
    assert 'value="100"' in page and "job-progress.js" not in page
    assert 'role="status"' in page
    # Without ?job the page shows the person's latest import.
    assert "活动.xlsx" in reporter_client.get(_page(campaign)).content.decode()


def test_the_same_file_sent_twice_is_one_job(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = _file(world, 2)
    first = _queue(reporter_client, campaign, data)
    second = _queue(reporter_client, campaign, data)  # a second tab, a double click
    assert first["Location"] == second["Location"]
    assert ImportJob.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=IMPORT_TASK_PATH).count() == 1
    run_worker()
    assert ActivityReport.objects.count() == 2


def test_a_retried_task_does_nothing_more(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    _queue(reporter_client, campaign, _file(world, 2))
    job = ImportJob.objects.get()
    run_worker()
    assert imports.run_import_job(job_id=job.pk) == "skipped"
    assert ActivityReport.objects.count() == 2


def test_a_crash_half_way_saves_nothing_and_says_so(
    reporter_client: Client, world: World, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue(reporter_client, campaign, _file(world, 3))
    real_save = save_report
    calls: list[str] = []

    def crash_on_the_second(**kwargs: Any) -> ActivityReport:
        calls.append(kwargs["data"].title)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return real_save(**kwargs)

    monkeypatch.setattr(imports, "save_report", crash_on_the_second)
    run_worker()

    job = ImportJob.objects.get()
    assert job.status == "failed" and job.finished_at is not None
    assert "unexpected error. Nothing was saved." in job.message
    assert job.data == b""
    assert not ActivityReport.objects.exists()  # the first row was rolled back too
    assert not AuditEntry.objects.filter(action=IMPORT_ACTION).exists()
    assert AuditEntry.objects.filter(action="activities.import.failed").count() == 1
    task = DBTaskResult.objects.get(task_path=IMPORT_TASK_PATH)
    assert task.status == TaskResultStatus.FAILED and "connection lost" in task.traceback

    page = reporter_client.get(_page(campaign, job)).content.decode()
    assert "The import failed. Nothing was saved." in page
    assert "unexpected error" in page
    # The same file can be sent again once the job has failed.
    monkeypatch.setattr(imports, "save_report", real_save)
    _queue(reporter_client, campaign, _file(world, 3))
    run_worker()
    assert ActivityReport.objects.count() == 3


def test_a_rule_broken_at_saving_names_the_row(
    reporter_client: Client, world: World, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue(reporter_client, campaign, _file(world, 3))
    real_save = save_report

    def refuse_the_third(**kwargs: Any) -> ActivityReport:
        if kwargs["data"].title == "活动3":
            raise DomainError("The campaign changed.")
        return real_save(**kwargs)

    monkeypatch.setattr(imports, "save_report", refuse_the_third)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.message == "Row 4 could not be saved: The campaign changed. Nothing was saved."
    assert job.errors == [
        {"row": 4, "column": "", "header": "", "message": "The campaign changed."}
    ]
    assert not ActivityReport.objects.exists()


def test_a_campaign_closed_before_the_worker_runs(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    _queue(reporter_client, campaign, _file(world, 2))
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    run_worker()
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "no longer passes the check" in job.message
    assert job.errors[0]["message"] == "Reports can only be filed for a published, open campaign."
    assert not ActivityReport.objects.exists()


def test_progress_is_written_while_the_rows_are_saved(
    reporter_client: Client, world: World, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the count goes through a connection of its own; here we watch the calls."""
    written: list[int] = []
    monkeypatch.setattr(imports._ProgressWriter, "EVERY_SECONDS", 0)
    monkeypatch.setattr(imports._ProgressWriter, "write", lambda self, done: written.append(done))
    _queue(reporter_client, campaign, _file(world, 4))
    run_worker()
    assert written == [1, 2, 3, 4]


def test_other_people_get_404_for_the_job(
    client: Client, reporter_client: Client, world: World, campaign: Campaign
) -> None:
    _queue(reporter_client, campaign, _file(world, 1))
    job = ImportJob.objects.get()
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        assert client.get(_page(campaign, job)).status_code == 404
        assert client.get(_json(campaign, job)).status_code == 404
    # The city above sees it; a job of another campaign or a bad id is 404.
    client.logout()
    login_verified(client, world.city_officer)
    assert client.get(_page(campaign, job)).status_code == 200
    assert client.get(_page(campaign) + "?job=x").status_code == 404
    assert client.get(_page(campaign) + f"?job={job.pk + 1}").status_code == 404


def test_a_person_without_an_import_sees_an_empty_page(
    client: Client, world: World, campaign: Campaign
) -> None:
    login_verified(client, world.county_b_officer)
    response = client.get(_page(campaign))
    assert response.status_code == 200
    assert "You have not imported a file for this campaign yet." in response.content.decode()
    status = reverse("activities:import_job_status", kwargs={"campaign_pk": campaign.pk})
    assert client.get(status).json() == {"job": None}


def test_the_import_page_lists_recent_imports(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    _queue(reporter_client, campaign, _file(world, 1))
    job = ImportJob.objects.get()
    page = reporter_client.get(_url(campaign)).content.decode()
    assert "Your recent imports" in page and f"?job={job.pk}" in page


def test_a_forged_confirmation_queues_nothing(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = _file(world, 1)
    response = reporter_client.post(
        _url(campaign),
        {"confirm-file": _upload(data), "confirm-token": "forged", "confirm-scope": "all"},
    )
    assert response.status_code == 200
    assert not ImportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_the_dry_run_costs_the_same_queries_for_10_rows_or_300(
    world: World, campaign: Campaign
) -> None:
    """Why the dry run can stay in the request: a fixed number of queries, whatever the size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhucan.activities.excel import check_file

    counts = []
    for n in (10, 300):
        data = _file(world, n)
        with CaptureQueriesContext(connection) as queries:
            check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
        assert len(check.valid_rows) == n
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15, counts


def _worker_died(job: ImportJob, *, attempts: int = 1) -> None:
    """The worker took the job, then was killed: its transaction was rolled back (nothing
    saved) and its lease ran out, the job still "running" at 30 %."""
    from datetime import timedelta

    from django.utils import timezone

    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        rows_done=job.rows_total * 3 // 10,
        started_at=timezone.now() - timedelta(minutes=5),
        lease_owner="worker-1:123:abc",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=attempts,
    )


def test_a_job_whose_worker_died_is_queued_again_and_done(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    _queue(reporter_client, campaign, _file(world, 2))
    job = ImportJob.objects.get()
    _worker_died(job)
    body = reporter_client.get(_json(campaign, job)).json()  # the page finds it stale
    assert (body["status"], body["finished"]) == ("queued", False)
    job.refresh_from_db()
    assert (job.lease_owner, job.attempts) == ("", 1)
    assert AuditEntry.objects.filter(action="activities.import.retried").count() == 1
    dead = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)  # not "running" for ever
    assert dead.exception_class_path == "zhucan.core.jobs.WorkerDiedError"
    assert run_worker() == 1  # the task queued again (the dead one's stays "running")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_owner) == ("done", 2, "")
    assert ActivityReport.objects.count() == 2


def test_a_job_whose_worker_died_too_often_fails_and_can_be_discarded(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = _file(world, 2)
    _queue(reporter_client, campaign, data)
    stuck = ImportJob.objects.get()
    _worker_died(stuck, attempts=2)
    page = reporter_client.get(_page(campaign, stuck)).content.decode()
    assert "The process handling this job was interrupted" in page
    assert "job-progress.js" not in page  # nothing more to follow
    assert "Discard this import" in page
    assert reporter_client.get(_json(campaign, stuck)).json()["finished"] is True
    stuck.refresh_from_db()
    assert (stuck.status, bytes(stuck.data), stuck.lease_owner) == ("failed", b"", "")

    discard = reverse("activities:import_job_discard", kwargs={"campaign_pk": campaign.pk})
    response = reporter_client.post(discard, {"job": stuck.pk})
    assert response.status_code == 302 and response["Location"] == _page(campaign, stuck)
    stuck.refresh_from_db()
    assert stuck.status == "discarded"
    assert AuditEntry.objects.filter(action="activities.import.discarded").count() == 1

    response = _queue(reporter_client, campaign, data)
    fresh = ImportJob.objects.latest("id")
    assert fresh.pk != stuck.pk and response["Location"] == _page(campaign, fresh)
    run_worker()
    assert ActivityReport.objects.count() == 2


def test_a_stuck_job_is_discarded_before_any_sweep(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    """Discarding does not wait for the sweep: a job whose lease ran out may go at once."""
    _queue(reporter_client, campaign, _file(world, 2))
    stuck = ImportJob.objects.get()
    _worker_died(stuck)
    imports.discard_import_job(by=world.county_a_officer, job=stuck)
    stuck.refresh_from_db()
    assert (stuck.status, bytes(stuck.data)) == ("discarded", b"")
    assert "interrupted" in stuck.message


def test_a_running_or_done_job_cannot_be_discarded(
    reporter_client: Client, world: World, campaign: Campaign, client: Client
) -> None:
    _queue(reporter_client, campaign, _file(world, 2))
    job = ImportJob.objects.get()
    with pytest.raises(DomainError):
        imports.discard_import_job(by=world.county_a_officer, job=job)  # waiting: not stuck
    run_worker()
    job.refresh_from_db()
    with pytest.raises(DomainError):
        imports.discard_import_job(by=world.county_a_officer, job=job)
    # Someone who cannot see the job: 404, not a hint that it exists.
    login_verified(client, world.county_b_officer)
    discard = reverse("activities:import_job_discard", kwargs={"campaign_pk": campaign.pk})
    response = client.post(discard, {"job": job.pk})
    assert response.status_code == 404
