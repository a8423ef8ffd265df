"""Exporting every accepted report under a node in the background: queued once, run by the
worker on the real database queue, followed on a page and its JSON, downloaded only by the
person who asked, read in chunks, and deleted after its time."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from zhucan.activities.models import Indicator, IndicatorValue
from zhucan.activities.tests.conftest import run_worker
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.stats.exports import REPORT_HEADERS, write_reports_xlsx
from zhucan.stats.models import ExportJob
from zhucan.stats.selectors import Filters
from zhucan.stats.services.export_jobs import START_ACTION, purge_expired_exports
from zhucan.stats.tasks import EXPORT_TASK_PATH
from zhucan.stats.tests.conftest import Story, households
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def _start(client: Client, campaign: Campaign, node: Organisation, query: str = "") -> TestResponse:
    url = reverse("stats:start_export", args=[campaign.pk, node.pk])
    return client.post(f"{url}?{query}" if query else url)


def _page(job: ExportJob) -> str:
    return reverse("stats:export_job", kwargs={"export_pk": job.pk})


def _json(job: ExportJob) -> str:
    return reverse("stats:export_job_status", kwargs={"export_pk": job.pk})


def _download(job: ExportJob) -> str:
    return reverse("stats:export_download", kwargs={"export_pk": job.pk})


def _rows(job: ExportJob) -> list[tuple[Any, ...]]:
    with default_storage.open(job.file_name, "rb") as stored:
        book = load_workbook(io.BytesIO(stored.read()))
    sheet: Any = book.active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def city_client(client: Client, world: World) -> Client:
    login_verified(client, world.city_officer)
    return client


def test_queued_once_then_run_by_the_worker_to_100_percent(
    city_client: Client, world: World, story: Story
) -> None:
    response = _start(city_client, story.campaign, world.city)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(job)
    assert (job.status, job.created_by, job.node) == ("queued", world.city_officer, world.city)
    assert DBTaskResult.objects.filter(task_path=EXPORT_TASK_PATH).count() == 1
    assert AuditEntry.objects.get(action=START_ACTION).object_id == str(job.pk)

    # The same request again while it waits: the same job, no second task.
    assert _start(city_client, story.campaign, world.city)["Location"] == _page(job)
    assert ExportJob.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=EXPORT_TASK_PATH).count() == 1

    page = city_client.get(_page(job)).content.decode()
    assert "Waiting for the background worker to start the export." in page
    assert '<progress id="export-progress" class="progress" max="100">' in page
    assert "job-progress.js" in page and "data-export-reload" in page
    assert "<script>" not in page
    body = city_client.get(_json(job)).json()
    assert (body["status"], body["percent"], body["finished"]) == ("queued", None, False)
    assert city_client.get(_download(job))["Location"] == _page(job)  # not ready yet

    assert run_worker() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.percent) == ("done", 4, 4, 100)
    assert job.expires_at is not None and job.finished_at is not None
    assert job.expires_at - job.finished_at == timedelta(days=7)
    body = city_client.get(_json(job)).json()
    assert (body["status"], body["percent"], body["finished"]) == ("done", 100, True)
    page = city_client.get(_page(job)).content.decode()
    assert _download(job) in page and "job-progress.js" not in page

    response = city_client.get(_download(job))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active  # the streamed file
    assert sheet is not None
    assert sheet.max_row == 5  # the header and the four accepted reports


def test_the_file_has_a_row_per_accepted_report_and_its_indicator_values(
    city_client: Client, world: World, story: Story
) -> None:
    _start(city_client, story.campaign, world.city)
    run_worker()
    rows = _rows(ExportJob.objects.get())
    header, body = rows[0], rows[1:]
    assert list(header[: len(REPORT_HEADERS)]) == REPORT_HEADERS
    indicator = header.index(households().name)
    by_org: dict[str, list[tuple[Any, ...]]] = {}
    for row in body:
        by_org.setdefault(row[0], []).append(row)
    assert sorted(len(v) for v in by_org.values()) == [1, 1, 1, 1]
    assert by_org[world.county_a.name][0][indicator] == 10
    assert by_org[world.county_a_unit.name][0][indicator] == 5  # county A's own campaign
    assert by_org[world.county_b.name][0][indicator] == 7
    assert by_org[world.city_unit.name][0][indicator] is None  # not given: empty, not 0
    own = by_org[world.county_a.name][0]
    assert own[1] == "新华区"  # the county, from the organisation's region
    assert own[3] == "慰问" and own[4] == "线下"
    assert own[header.index("服务残疾人数")] == 12
    assert Decimal(str(own[header.index("慰问金（元）")])) == Decimal("1000.50")


def test_the_dashboards_filters_apply(city_client: Client, world: World, story: Story) -> None:
    _start(city_client, story.campaign, world.city, "category=visit")
    job = ExportJob.objects.get()
    assert job.filters["category"] == "visit"
    page = city_client.get(_page(job)).content.decode()
    assert "慰问" in page  # the filter, described
    # Other filters are another export, not this one.
    _start(city_client, story.campaign, world.city)
    assert ExportJob.objects.count() == 2
    run_worker()
    job.refresh_from_db()
    assert job.rows_done == 2 and len(_rows(job)) == 3


def test_an_export_of_a_county_has_only_its_subtree(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_a_officer)
    _start(client, story.campaign, world.county_a)
    run_worker()
    names = {row[0] for row in _rows(ExportJob.objects.get())[1:]}
    assert names == {world.county_a.name, world.county_a_unit.name}


def test_only_the_person_who_asked_may_open_or_download_it(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_a_officer)
    _start(client, story.campaign, world.county_a)
    run_worker()
    job = ExportJob.objects.get()
    assert client.get(_download(job)).status_code == 200
    for person in (world.county_b_officer, world.outsider, world.member_unit_reporter):
        login_verified(client, person)
        for url in (_page(job), _json(job), _download(job)):
            assert client.get(url).status_code == 404, (person, url)
        assert job.node.name not in client.get(reverse("stats:exports")).content.decode()
    # The city sees county A's figures, but the file is county A's officer's: 403, not 404.
    login_verified(client, world.city_officer)
    assert client.get(_download(job)).status_code == 403


def test_the_dashboard_links_to_a_page_that_starts_it_with_the_filters(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_a_officer)
    board = reverse("stats:node", args=[story.campaign.pk, world.county_a.pk])
    page = client.get(f"{board}?category=visit").content.decode()
    url = reverse("stats:start_export", args=[story.campaign.pk, world.county_a.pk])
    assert f"{url}?category=visit" in page
    assert reverse("stats:statistical_report", args=[story.campaign.pk]) in page
    page = client.get(f"{url}?category=visit").content.decode()
    assert "Start the export" in page and "慰问" in page
    assert not ExportJob.objects.exists()  # looking is not asking
    client.post(f"{url}?category=visit")
    assert ExportJob.objects.get().filters["category"] == "visit"


def test_starting_outside_the_jurisdiction_is_404(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_b_officer)
    assert _start(client, story.campaign, world.county_a).status_code == 404
    url = reverse("stats:start_export", args=[story.campaign.pk, world.county_a.pk])
    assert client.get(url).status_code == 404
    assert not ExportJob.objects.exists()


def test_invalid_filters_export_nothing(city_client: Client, world: World, story: Story) -> None:
    response = _start(
        city_client, story.campaign, world.city, "date_from=2020-05-20&date_to=2020-05-01"
    )
    assert response.status_code == 302 and "/stats/" in response["Location"]
    assert not ExportJob.objects.exists()


def test_the_worker_checks_the_person_may_still_see_the_node(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_a_officer)
    _start(client, story.campaign, world.county_a)
    world.county_a_officer.memberships.all().delete()
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == "failed" and job.error and not job.file_name


def _worker_died(job: ExportJob, *, attempts: int) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status="running",
        started_at=timezone.now() - timedelta(minutes=5),
        lease_owner="worker-1:123:abc",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=attempts,
    )


def test_a_job_whose_worker_died_does_not_block_a_new_one(
    city_client: Client, world: World, story: Story
) -> None:
    _start(city_client, story.campaign, world.city)
    job = ExportJob.objects.get()
    _worker_died(job, attempts=1)
    _start(city_client, story.campaign, world.city)
    job.refresh_from_db()
    assert job.status == "failed" and "interrupted" in job.error
    assert ExportJob.objects.count() == 2


def test_a_job_whose_worker_died_is_retried_then_failed(
    city_client: Client, world: World, story: Story
) -> None:
    _start(city_client, story.campaign, world.city)
    job = ExportJob.objects.get()
    _worker_died(job, attempts=1)
    assert city_client.get(_page(job)).status_code == 200  # the page finds it stale
    job.refresh_from_db()
    assert (job.status, job.lease_owner) == ("queued", "")
    assert DBTaskResult.objects.filter(task_path=EXPORT_TASK_PATH).count() == 2  # queued again
    _worker_died(job, attempts=2)  # taken again, and killed again
    page = city_client.get(_page(job)).content.decode()
    assert "The process handling this job was interrupted" in page
    job.refresh_from_db()
    assert (job.status, job.lease_owner) == ("failed", "")
    assert AuditEntry.objects.filter(action="stats.export.retried").count() == 1
    assert AuditEntry.objects.filter(action="stats.export.failed").count() == 1


def test_files_are_deleted_after_their_time(
    city_client: Client, world: World, story: Story
) -> None:
    _start(city_client, story.campaign, world.city)
    run_worker()
    job = ExportJob.objects.get()
    name = job.file_name
    assert default_storage.exists(name)
    assert purge_expired_exports() == 0
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert out.getvalue().startswith("1 ")
    job.refresh_from_db()
    assert (job.status, job.file_name) == ("expired", "")
    assert not default_storage.exists(name)
    assert city_client.get(_download(job))["Location"] == _page(job)
    assert "deleted after its time" in city_client.get(_page(job)).content.decode()


def test_reading_costs_one_query_per_chunk(world: World, story: Story) -> None:
    """Memory flatness is StreamingXlsx's (test_xlsx_stream.py); here, that the reports are
    read a chunk at a time: on PostgreSQL in one query that brings each report's indicator
    values with it, streamed; elsewhere with one more query per chunk for the values."""

    def queries(chunk_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            written = write_reports_xlsx(
                io.BytesIO(), campaign=story.campaign, node=world.city, chunk_size=chunk_size
            )
        assert written == 4
        return len(captured)

    one_chunk, four_chunks = queries(10), queries(1)
    if connection.vendor == "postgresql":
        assert four_chunks == one_chunk
        # Indicators, the cascade, the transaction's own statements and the one reading.
        assert one_chunk <= 7
        return
    assert four_chunks - one_chunk == 3
    assert one_chunk <= 4  # indicators, the reports, the first chunk's values (and the empty end)


def test_progress_is_reported_per_chunk(world: World, story: Story) -> None:
    seen: list[tuple[int, int]] = []
    write_reports_xlsx(
        io.BytesIO(),
        campaign=story.campaign,
        node=world.city,
        filters=Filters(category="visit"),
        progress=lambda done, total: seen.append((done, total)),
        chunk_size=1,
    )
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_indicator_cells_keep_their_column_unit_and_gaps(world: World, story: Story) -> None:
    """An amount in yuan stays an amount, a whole number is truncated, a value not given is an
    empty cell between given ones, and a value of another campaign's indicator is left out
    (on PostgreSQL the database places them; elsewhere this module does)."""
    top = Indicator.objects.order_by("-position").values_list("position", flat=True).first()
    gap, amount, whole = (
        Indicator.objects.create(code=code, name=name, unit=unit, position=(top or 0) + n)
        for n, (code, name, unit) in enumerate(
            [
                ("x_gap", "间隔", Indicator.Unit.COUNT),
                ("x_amount", "补贴（元）", Indicator.Unit.YUAN),
                ("x_whole", "人次", Indicator.Unit.COUNT),
            ],
            start=1,
        )
    )
    other = make_campaign(issuing_org=world.city, by=world.city_officer)
    elsewhere = Indicator.objects.create(campaign=other, code="x_other", name="其他", position=0)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=story.own, indicator=indicator, value=Decimal(value))
        for indicator, value in [(amount, "12.50"), (whole, "7.90"), (elsewhere, "3")]
    )
    out = io.BytesIO()
    write_reports_xlsx(out, campaign=story.campaign, node=world.city)
    sheet: Any = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert elsewhere.name not in header
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == world.county_a.name)
    given = {name: row[header.index(name)] for name in (gap.name, amount.name, whole.name)}
    assert given[gap.name].value is None
    assert (given[amount.name].value, given[amount.name].number_format) == (12.5, "#,##0.00")
    assert (given[whole.name].value, given[whole.name].number_format) == (7, "#,##0")
    assert len(row) == len(header)  # nothing after the last indicator
