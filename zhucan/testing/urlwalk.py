"""The named URLs of the application and an object of county A for each URL keyword.

The permission walk (zhucan/core/tests/test_permissions.py), the download audit walk and the
browser walks (zhucan/testing/browser.py) open every named URL; this is where they learn which
URLs exist and how to fill in their keywords. A URL whose keyword is unknown here fails
``url_for``: add a builder to ``OBJECT_IN_COUNTY_A`` that returns an object owned by county A.
Builders make their object once per ``World`` and keep it on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhucan.conftest import World
from zhucan.testing.factories import county_a_campaign

# URL names that anyone may open without signing in.
PUBLIC = {
    "core:healthz",
    "core:readyz",
    "core:metrics",
    "accounts:login",
    "accounts:display",
    "portal:site",
    "portal:help",
    "portal:help_done",
    "portal:help_status",
    "portal:help_reopen",
}
# Namespaces not walked: Django's own admin is for superusers only and has its own checks.
SKIPPED_NAMESPACES = {"admin"}

# kwarg name -> builder(world) giving an object that belongs to county A.
OBJECT_IN_COUNTY_A: dict[str, Callable[[World], Any]] = {
    "org_pk": lambda w: w.county_a_unit.pk,
    "membership_pk": lambda w: w.county_a_officer.memberships.get().pk,
    "user_pk": lambda w: w.county_a_officer.pk,
    "campaign_pk": lambda w: county_a_campaign(w).pk,
    "receipt_pk": lambda w: county_a_campaign(w).receipts.get(organisation=w.county_a_unit).pk,
    "fmt": lambda w: "docx",
    "attachment_pk": lambda w: county_a_attachment(w).pk,
    "plan_pk": lambda w: county_a_plan(w).pk,
    "notification_pk": lambda w: county_a_notification(w).pk,
    "report_pk": lambda w: county_a_report(w).pk,
    "client_id": lambda w: county_a_report(w).client_id,
    "typical_pk": lambda w: county_a_typical(w).pk,
    "photo_pk": lambda w: county_a_photo(w).pk,
    "media_pk": lambda w: county_a_media(w).pk,
    "person_pk": lambda w: county_a_person(w).pk,
    "case_pk": lambda w: county_a_case(w).pk,
    "visit_pk": lambda w: county_a_visit(w).pk,
    "import_pk": lambda w: county_a_import(w).pk,
    "township_pk": lambda w: county_a_township(w).pk,
    "export_pk": lambda w: county_a_export(w).pk,
    # A public site is named by its region's code; its pages show only what is published.
    "code": lambda w: w.county_a.region_id,
    "activity_pk": lambda w: county_a_plan(w).activities.first().pk,
    "institution_pk": lambda w: county_a_institution(w).pk,
    "number": lambda w: "QZABCDEFGH23",
    "request_pk": lambda w: county_a_help_request(w).pk,
}


def county_a_report(world: World) -> Any:
    """A submitted activity report of county A's unit (built once)."""
    from zhucan.testing.factories import make_report

    if not hasattr(world, "_report"):
        world._report = make_report(  # type: ignore[attr-defined]
            campaign=county_a_campaign(world),
            organisation=world.county_a_unit,
            by=world.county_a_officer,
            submit=True,
        )
    return world._report  # type: ignore[attr-defined]


def county_a_photo(world: World) -> Any:
    """A photo on a draft report of county A's unit, through the service (built once).

    Not on ``county_a_report``: other builders move that one on (returned, accepted), and
    photos are added only to drafts.
    """
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from zhucan.activities.services import add_photo
    from zhucan.testing.factories import make_report

    if not hasattr(world, "_photo"):
        draft = make_report(
            campaign=county_a_campaign(world),
            organisation=world.county_a_unit,
            by=world.county_a_officer,
            title="助残日活动照片",
        )
        jpeg = io.BytesIO()
        Image.new("RGB", (40, 30), "navy").save(jpeg, "JPEG")
        upload = SimpleUploadedFile("活动.jpg", jpeg.getvalue(), content_type="image/jpeg")
        world._photo = add_photo(  # type: ignore[attr-defined]
            by=world.county_a_officer, report=draft, upload=upload, consent=True
        )
    return world._photo  # type: ignore[attr-defined]


def county_a_media(world: World) -> Any:
    """Media coverage of county A's unit, with a screenshot, through the service (built once)."""
    import io
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from zhucan.activities.services import add_media_report

    if not hasattr(world, "_media"):
        png = io.BytesIO()
        Image.new("RGB", (60, 40), "navy").save(png, "PNG")
        world._media = add_media_report(  # type: ignore[attr-defined]
            by=world.county_a_officer,
            campaign=county_a_campaign(world),
            organisation=world.county_a_unit,
            outlet="新华区融媒体中心",
            kind="wechat",
            date=date(2020, 5, 17),
            title="新华区民政局助残日报道",
            screenshot=SimpleUploadedFile("截图.png", png.getvalue(), content_type="image/png"),
        )
    return world._media  # type: ignore[attr-defined]


def county_a_typical(world: World) -> Any:
    """County A's report, accepted by the city and put forward as typical (built once)."""
    from zhucan.activities.services import accept_report, propose_typical

    if not hasattr(world, "_typical"):
        report = county_a_report(world)
        if report.status != report.Status.ACCEPTED:
            report = accept_report(by=world.city_officer, report=report, version=report.version)
            world._report = report  # type: ignore[attr-defined]
        world._typical = propose_typical(  # type: ignore[attr-defined]
            by=world.county_a_officer, report=report, account="线上直播慰问，覆盖全区"
        )
    return world._typical  # type: ignore[attr-defined]


def county_a_notification(world: World) -> Any:
    """A notification of county A's officer: only that person may open it (built once)."""
    from django.db import transaction

    from zhucan.notifications.models import Notification
    from zhucan.notifications.services import notify

    if not hasattr(world, "_notification"):
        with transaction.atomic():
            notify(
                users=[world.county_a_officer],
                kind="reminder",
                title="请签收通知",
                url=reverse("core:home"),
                email=False,
            )
        mine = Notification.objects.filter(user=world.county_a_officer)
        world._notification = mine.latest("id")  # type: ignore[attr-defined]
    return world._notification  # type: ignore[attr-defined]


def county_a_plan(world: World) -> Any:
    """County A's member unit's plan for county A's campaign, submitted (built once per world)."""
    from zhucan.testing.factories import make_plan

    if not hasattr(world, "_plan"):
        world._plan = make_plan(  # type: ignore[attr-defined]
            campaign=county_a_campaign(world),
            organisation=world.county_a_unit,
            by=world.county_a_officer,
            submit=True,
        )
    return world._plan  # type: ignore[attr-defined]


def county_a_attachment(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhucan.campaigns.services import add_attachment

    if not hasattr(world, "_attachment"):
        upload = SimpleUploadedFile("附件1.txt", "活动统计表".encode(), content_type="text/plain")
        world._attachment = add_attachment(  # type: ignore[attr-defined]
            by=world.county_a_officer, campaign=county_a_campaign(world), upload=upload
        )
    return world._attachment  # type: ignore[attr-defined]


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def all_named_urls() -> list[tuple[str, tuple[str, ...]]]:
    found = {
        (name, tuple(sorted(pattern.pattern.regex.groupindex)))
        for name, pattern in _walk(get_resolver())
    }
    return sorted(found)


URLS = all_named_urls()
# The public site (zhucan/portal) is open to everyone by design: it shows only what is
# published, and a county's published content to every visitor.
PUBLIC |= {name for name, _ in URLS if name.startswith("portal:")}


def url_for(world: World, name: str, kwargs: list[str]) -> str:
    missing = [k for k in kwargs if k not in OBJECT_IN_COUNTY_A]
    assert not missing, f"{name}: add a builder for {missing} to OBJECT_IN_COUNTY_A"
    return reverse(name, kwargs={k: OBJECT_IN_COUNTY_A[k](world) for k in kwargs})


def county_a_person(world: Any) -> Any:
    """A person registered in county A, in need (built once per world)."""
    from zhucan.testing.factories import make_person

    if not hasattr(world, "_registry_person"):
        world._registry_person = make_person(world, name="李秀英", need_income_fell=True)
    return world._registry_person


def county_a_case(world: Any) -> Any:
    """A one-child-one-plan case for a child of county A (built once per world)."""
    from zhucan.registry.services.education import open_case
    from zhucan.testing.factories import SCHOOL_YEAR, make_person

    if not hasattr(world, "_registry_case"):
        child = make_person(world, name="王小明", born=(2012, 3, 4))
        world._registry_case = open_case(
            by=world.county_a_officer, child=child, school_year=SCHOOL_YEAR
        )
    return world._registry_case


def county_a_visit(world: Any) -> Any:
    """A household visit on an activity report of county A's unit (built once per world)."""
    from zhucan.testing.factories import make_visit

    if not hasattr(world, "_registry_visit"):
        world._registry_visit = make_visit(world)
    return world._registry_visit


def county_a_import(world: Any) -> Any:
    """An Excel import for county A, checked, with one bad row (built once per world)."""
    from zhucan.testing.registry_sheets import checked_import

    if not hasattr(world, "_registry_import"):
        world._registry_import = checked_import(world)
    return world._registry_import


def county_a_township(world: Any) -> Any:
    """A township on county A's list (built once per world)."""
    from zhucan.registry.services.townships import add_township

    if not hasattr(world, "_registry_township"):
        world._registry_township = add_township(
            by=world.county_a_officer, organisation=world.county_a, name="光明路街道"
        )
    return world._registry_township


def county_a_export(world: Any) -> Any:
    """An export of county A's reports, started by county A's officer (built once per world).
    Queued only: the walk checks who may open it, not the worker."""
    from django.db import transaction

    from zhucan.stats.selectors import NO_FILTERS
    from zhucan.stats.services.export_jobs import start_export

    if not hasattr(world, "_stats_export"):
        with transaction.atomic():
            world._stats_export = start_export(
                by=world.county_a_officer,
                campaign=county_a_campaign(world),
                node=world.county_a,
                filters=NO_FILTERS,
            )
    return world._stats_export


def county_a_institution(world: Any) -> Any:
    """An institution in the directory kept by county A (built once per world)."""
    from zhucan.activities.services.institutions import add_institution
    from zhucan.orgs.models import Region

    if not hasattr(world, "_institution"):
        world._institution = add_institution(
            by=world.county_a_officer,
            organisation=world.county_a,
            name="新华区康复中心",
            kind="rehabilitation",
            region=Region.objects.get(code=world.county_a.region_id),
        )
    return world._institution


def county_a_help_request(world: Any) -> Any:
    """A help request for county A, filed on its public pages (built once per world)."""
    from zhucan.helprequests.services import RequestInput, submit_request

    if not hasattr(world, "_help_request"):
        world._help_request = submit_request(
            by=None,
            site=world.county_a,
            data=RequestInput(kind="medical", phone="13812345678", description="需要康复器具"),
            token=None,
            address=None,
        )
    return world._help_request
