"""Every file that leaves the system is in the audit log: who, what, the filters, how many rows.

The walk opens every URL pattern (the permission walk's list, so new views join by
themselves) as a person who may download everything in county A. A response that is a file
must be listed in DOWNLOADS and must have written exactly one download entry with its action;
a new download without an audit entry fails here.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from docx import Document

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core import audit
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.urlwalk import OBJECT_IN_COUNTY_A, URLS, url_for

# url name -> (action, whether the file is a table whose data rows are counted)
DOWNLOADS: dict[str, tuple[str, bool]] = {
    "activities:export": ("activities.reports.downloaded", True),
    "activities:template": ("activities.template.downloaded", True),
    "campaigns:attachment": ("campaigns.attachment.downloaded", False),
    "campaigns:matrix": ("campaigns.matrix.downloaded", True),
    "campaigns:notice_file": ("campaigns.notice.downloaded", False),
    "campaigns:slogans": ("campaigns.slogans.downloaded", True),
    "completeness:export": ("completeness.campaign.downloaded", True),
    "core:audit": ("core.audit_log.downloaded", True),
    "orgs:import_template": ("orgs.template.downloaded", True),
    "plans:docx": ("plans.plan.downloaded", False),
    "plans:document": ("plans.document.downloaded", False),
    "plans:overview": ("plans.overview.downloaded", True),
    "registry:coverage_export": ("registry.coverage.exported", True),
    "registry:import_template": ("registry.import_template.downloaded", True),
    "registry:roster_export": ("registry.roster.exported", True),
    "stats:export": ("stats.dashboard.downloaded", True),
    "stats:export_download": ("stats.export.downloaded", True),
    "stats:statistical_report": ("stats.statistical_report.downloaded", True),
    "summaries:docx": ("summaries.summary.generated", False),
    "summaries:pdf": ("summaries.summary.generated", False),
}
# Pictures shown inside pages (photos, thumbnails, screenshots) are not downloads: a report's
# page shows dozens, and each is served only through a view that checks visibility.
INLINE = {
    "activities:photo",
    "activities:thumbnail",
    "activities:media_screenshot",
    "activities:media_screenshot_thumb",
}
# GETs that end the session would stop the walk.
NOT_WALKED = {"accounts:logout"}


def _is_file(response: Any) -> bool:
    return "attachment" in response.get("Content-Disposition", "")


def _prepare(world: Any) -> Any:
    """County A's officer, made an administrator of county A too (so every download of the
    county is theirs to take: the audit log, the organisation template), with the objects
    the downloads need: a finished report export and a plan with an uploaded document."""
    from zhucan.orgs.services import add_membership
    from zhucan.stats.services.export_jobs import run_export_job

    person = world.county_a_officer
    with transaction.atomic():
        add_membership(by=None, user=person, organisation=world.county_a, role="admin")
    person._zhucan_memberships = None
    run_export_job(job_id=OBJECT_IN_COUNTY_A["export_pk"](world))
    plan_pk = OBJECT_IN_COUNTY_A["plan_pk"](world)
    from zhucan.plans.models import Plan

    plan = Plan.objects.get(pk=plan_pk)
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("实施方案")
    document.save(buffer)
    plan.document.save("plan.docx", ContentFile(buffer.getvalue()), save=False)
    plan.document_name = "实施方案.docx"
    plan.save(update_fields=["document", "document_name"])
    return person


def test_every_download_writes_one_audit_entry(client: Client, world: World) -> None:
    # Every object first (the builders expect the world as it was), then the set-up.
    urls = [(name, url_for(world, name, list(kwargs))) for name, kwargs in URLS]
    person = _prepare(world)
    seen: set[str] = set()
    for name, url in urls:
        if name in NOT_WALKED:
            continue
        login_verified(client, person)
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        # Pages that offer Excel take ?format=xlsx; the others ignore it.
        response = client.get(f"{url}?format=xlsx")
        if not _is_file(response):
            continue
        assert name not in INLINE, f"{name} is served as a download: audit it"
        assert name in DOWNLOADS, f"{name} sends a file: record it with audit.record_download"
        seen.add(name)
        action, tabular = DOWNLOADS[name]
        new = list(AuditEntry.objects.filter(id__gt=before).exclude(action__startswith="accounts."))
        downloads = [e for e in new if audit.is_download(e)]
        assert len(downloads) == 1, f"{name}: {[e.action for e in new]}"
        entry = downloads[0]
        assert entry.action == action
        assert entry.actor_id == person.pk
        assert entry.org_path, f"{name}: no organisation path, so no auditor would see it"
        assert isinstance(entry.changes["filters"], dict)
        if tabular:
            assert isinstance(entry.changes["rows"], int), name
        else:
            assert entry.changes["rows"] is None, name
    missing = set(DOWNLOADS) - seen
    assert not missing, f"never downloaded in the walk (update DOWNLOADS or the set-up): {missing}"


def test_download_entries_carry_the_filters_and_the_row_count(client: Client, world: World) -> None:
    login_verified(client, world.city_auditor)
    with transaction.atomic():
        for _n in range(3):
            audit.record(by=world.city_officer, action="test.seed", target=world.city)
    response = client.get(
        reverse("core:audit"),
        {"q": "test.seed", "date_from": "2020-01-01", "format": "xlsx"},
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="core.audit_log.downloaded")
    assert entry.changes["rows"] == 3
    assert entry.changes["filters"] == {"date_from": "2020-01-01", "date_to": None, "search": True}
    assert entry.org_path == world.city.path
    # The search text may be a person's name: it is not kept.
    assert "test.seed" not in str(entry.changes)


def test_a_county_auditor_sees_the_downloads_of_their_county(client: Client, world: World) -> None:
    from zhucan.testing.factories import make_campaign, make_user

    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    login_verified(client, world.county_a_officer)
    url = reverse("campaigns:matrix", kwargs={"campaign_pk": campaign.pk})
    assert client.get(url, {"format": "xlsx"}).status_code == 200
    auditor = make_user(org=world.county_a, role="auditor")
    client.logout()
    login_verified(client, auditor)
    body = client.get(reverse("core:audit")).content.decode()
    assert "campaigns.matrix.downloaded" in body
    assert "Downloaded the duty matrix (Excel)" in body
    assert "Format: xlsx" in body
    # The label is searchable as well as the code.
    found = client.get(reverse("core:audit"), {"q": "duty matrix"}).content.decode()
    assert "campaigns.matrix.downloaded" in found


@pytest.mark.django_db(transaction=True)
def test_record_download_opens_its_own_transaction() -> None:
    """Views that only read have no transaction: the download's entry is still written, while
    ``audit.record`` alone still refuses to run outside one."""
    with pytest.raises(RuntimeError):
        audit.record(by=None, action="test.changed", org_path="/1/")
    # A download is always someone's: only a change may be the server's own (by=None).
    clerk = User.objects.create_user(username="clerk")
    entry = audit.record_download(
        by=clerk, action="test.downloaded", fmt="xlsx", org_path="/1/", rows=2
    )
    assert AuditEntry.objects.get().pk == entry.pk
    assert entry.changes == {"format": "xlsx", "filters": {}, "rows": 2}


def test_an_entry_about_a_whole_jurisdiction_goes_where_its_auditors_see_it(world: World) -> None:
    from zhucan.orgs.access import audit_path_for
    from zhucan.orgs.services import add_membership

    person = world.county_a_officer
    assert audit_path_for(person) == world.county_a.path
    # Data of a county's campaign taken by the city: the county's auditors see it too.
    assert audit_path_for(world.city_officer, world.county_a.path) == world.county_a.path
    # A city campaign's data taken by a county officer: only their county's part.
    assert audit_path_for(person, world.city.path) == world.county_a.path
    with transaction.atomic():
        add_membership(by=None, user=person, organisation=world.county_b, role="viewer")
    person = type(person).objects.get(pk=person.pk)  # as the next request: nothing cached
    # Two counties: the city above both.
    assert audit_path_for(person) == world.city.path
    assert audit_path_for(world.outsider) == ""


def test_the_notice_as_pdf_is_audited_like_the_docx(client: Client, world: World) -> None:
    """The walk fills ``fmt`` with docx only."""
    from zhucan.testing.factories import make_campaign

    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    login_verified(client, world.member_unit_reporter)
    url = reverse("campaigns:notice_file", kwargs={"campaign_pk": campaign.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 404  # not theirs: and nothing recorded
    client.logout()
    login_verified(client, world.county_a_officer)
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(action="campaigns.notice.downloaded")
    assert entry.changes == {"format": "pdf", "filters": {}, "rows": None}
    assert entry.object_id == str(campaign.pk) and entry.org_path == world.county_a.path
