"""Walk every URL pattern with every standard person: nothing leaks outside a jurisdiction.

New views join automatically. A URL whose keyword argument is unknown here fails the test:
add a builder to OBJECT_IN_COUNTY_A that returns an object owned by county A.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhucan.conftest import World
from zhucan.testing.auth import login_verified

# URL names that anyone may open without signing in.
PUBLIC = {
    "core:healthz",
    "accounts:login",
    "accounts:display",
}
# Namespaces not walked: Django's own admin is for superusers only and has its own checks.
SKIPPED_NAMESPACES = {"admin"}

# kwarg name -> builder(world) giving an object that belongs to county A.
OBJECT_IN_COUNTY_A: dict[str, Callable[[World], Any]] = {
    "org_pk": lambda w: w.county_a_unit.pk,
    "membership_pk": lambda w: w.county_a_officer.memberships.get().pk,
    "user_pk": lambda w: w.county_a_officer.pk,
    "campaign_pk": lambda w: _county_a_campaign(w).pk,
    "receipt_pk": lambda w: _county_a_campaign(w).receipts.get(organisation=w.county_a_unit).pk,
    "fmt": lambda w: "docx",
    "attachment_pk": lambda w: _county_a_attachment(w).pk,
    "plan_pk": lambda w: _county_a_plan(w).pk,
    "notification_pk": lambda w: _county_a_notification(w).pk,
    "report_pk": lambda w: _county_a_report(w).pk,
    "client_id": lambda w: _county_a_report(w).client_id,
    "typical_pk": lambda w: _county_a_typical(w).pk,
    "photo_pk": lambda w: _county_a_photo(w).pk,
    "media_pk": lambda w: _county_a_media(w).pk,
}
# Newer apps keep their builders beside their tests, so that parallel work does not collide here.
for _app in ("registry", "stats", "summaries"):
    _module = importlib.import_module(f"zhucan.{_app}.tests.permission_builders")
    OBJECT_IN_COUNTY_A.update(_module.BUILDERS)


def _county_a_report(world: World) -> Any:
    """A submitted activity report of county A's unit (built once)."""
    from zhucan.testing.factories import make_report

    if not hasattr(world, "_report"):
        world._report = make_report(  # type: ignore[attr-defined]
            campaign=_county_a_campaign(world),
            organisation=world.county_a_unit,
            by=world.county_a_officer,
            submit=True,
        )
    return world._report  # type: ignore[attr-defined]


def _county_a_photo(world: World) -> Any:
    """A photo on a draft report of county A's unit, through the service (built once).

    Not on ``_county_a_report``: other builders move that one on (returned, accepted), and
    photos are added only to drafts.
    """
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from zhucan.activities.services import add_photo
    from zhucan.testing.factories import make_report

    if not hasattr(world, "_photo"):
        draft = make_report(
            campaign=_county_a_campaign(world),
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


def _county_a_media(world: World) -> Any:
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
            campaign=_county_a_campaign(world),
            organisation=world.county_a_unit,
            outlet="新华区融媒体中心",
            kind="wechat",
            date=date(2020, 5, 17),
            title="新华区民政局助残日报道",
            screenshot=SimpleUploadedFile("截图.png", png.getvalue(), content_type="image/png"),
        )
    return world._media  # type: ignore[attr-defined]


def _county_a_typical(world: World) -> Any:
    """County A's report, accepted by the city and put forward as typical (built once)."""
    from zhucan.activities.services import accept_report, propose_typical

    if not hasattr(world, "_typical"):
        report = _county_a_report(world)
        if report.status != report.Status.ACCEPTED:
            report = accept_report(by=world.city_officer, report=report, version=report.version)
            world._report = report  # type: ignore[attr-defined]
        world._typical = propose_typical(  # type: ignore[attr-defined]
            by=world.county_a_officer, report=report, account="线上直播慰问，覆盖全区"
        )
    return world._typical  # type: ignore[attr-defined]


def _county_a_notification(world: World) -> Any:
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


def _county_a_plan(world: World) -> Any:
    """County A's member unit's plan for county A's campaign, submitted (built once per world)."""
    from zhucan.testing.factories import make_plan

    if not hasattr(world, "_plan"):
        world._plan = make_plan(  # type: ignore[attr-defined]
            campaign=_county_a_campaign(world),
            organisation=world.county_a_unit,
            by=world.county_a_officer,
            submit=True,
        )
    return world._plan  # type: ignore[attr-defined]


def _county_a_attachment(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhucan.campaigns.services import add_attachment

    if not hasattr(world, "_attachment"):
        upload = SimpleUploadedFile("附件1.txt", "活动统计表".encode(), content_type="text/plain")
        world._attachment = add_attachment(  # type: ignore[attr-defined]
            by=world.county_a_officer, campaign=_county_a_campaign(world), upload=upload
        )
    return world._attachment  # type: ignore[attr-defined]


def _county_a_campaign(world: World) -> Any:
    """A campaign issued by county A and sent to its member unit (built once per world)."""
    from zhucan.testing.factories import make_campaign

    if not hasattr(world, "_campaign"):
        world._campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)  # type: ignore[attr-defined]
    return world._campaign  # type: ignore[attr-defined]


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


def _url(world: World, name: str, kwargs: list[str]) -> str:
    missing = [k for k in kwargs if k not in OBJECT_IN_COUNTY_A]
    assert not missing, f"{name}: add a builder for {missing} to OBJECT_IN_COUNTY_A"
    return reverse(name, kwargs={k: OBJECT_IN_COUNTY_A[k](world) for k in kwargs})


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_anonymous_is_sent_to_login_except_on_public_pages(
    client: Client, world: World, name, kwargs
) -> None:
    url = _url(world, name, list(kwargs))
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 405)
    else:
        assert response.status_code in (302, 405), f"{name} answered {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "kwargs"), [u for u in URLS if u[1]], ids=[n for n, k in URLS if k]
)
def test_objects_of_county_a_are_404_for_other_jurisdictions(
    client: Client, world: World, name, kwargs
) -> None:
    url = _url(world, name, list(kwargs))
    for person in (world.county_b_officer, world.outsider, world.member_unit_reporter):
        client.logout()
        login_verified(client, person)
        # A POST-only view may answer 405 to GET: that says nothing about the object.
        response = client.get(url)
        assert response.status_code in (404, 405), (
            f"{name} GET as {person.username}: {response.status_code}"
        )
        response = client.post(url)
        assert response.status_code == 404, (
            f"{name} POST as {person.username}: {response.status_code}"
        )


@pytest.mark.parametrize(
    ("name", "kwargs"), [u for u in URLS if u[1]], ids=[n for n, k in URLS if k]
)
def test_objects_of_county_a_are_reachable_from_above(
    client: Client, world: World, name, kwargs
) -> None:
    url = _url(world, name, list(kwargs))
    for person in (world.county_a_officer, world.city_officer):
        client.logout()
        login_verified(client, person)
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 405), f"{name} as {person.username}"


@pytest.mark.parametrize(
    ("name", "kwargs"), [u for u in URLS if not u[1]], ids=[n for n, k in URLS if not k]
)
def test_pages_never_show_county_a_to_others(client: Client, world: World, name, kwargs) -> None:
    url = _url(world, name, list(kwargs))
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        response = client.get(url)
        assert response.status_code < 500
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            assert world.county_a.name not in body, f"{name} shows county A to {person.username}"
            assert world.county_a_unit.name not in body
