"""The notification list, opening and marking read, and the bell in the header."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.notifications.context_processors import bell
from zhucan.notifications.models import Notification
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user

LIST = reverse("notifications:list")


@pytest.fixture
def county_client(client: Client, world: World) -> Client:
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "en"
    return client


def _open(pk: int) -> str:
    return reverse("notifications:open", kwargs={"notification_pk": pk})


def _read(pk: int) -> str:
    return reverse("notifications:read", kwargs={"notification_pk": pk})


def test_the_list_shows_only_the_persons_own(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    send(world.county_a_officer, "新华区的提醒", body="请于5月10日前签收。")
    send(world.city_officer, "市残工委的提醒")
    page = county_client.get(LIST).content.decode()
    assert "新华区的提醒" in page and "请于5月10日前签收。" in page
    assert "市残工委的提醒" not in page
    assert "Unread" in page
    assert "1 notification" in page


def test_not_even_a_superuser_sees_someone_elses(
    client: Client, world: World, send: Callable[..., Notification]
) -> None:
    notification = send(world.county_a_officer, "新华区的提醒")
    root = make_user(username="root", is_superuser=True, is_staff=True)
    login_verified(client, root)
    assert "新华区的提醒" not in client.get(LIST).content.decode()
    assert client.post(_open(notification.pk)).status_code == 404
    assert client.post(_read(notification.pk)).status_code == 404


@pytest.mark.parametrize("person", ["city_officer", "county_b_officer", "outsider"])
def test_someone_elses_notification_is_not_found(
    client: Client, world: World, send: Callable[..., Notification], person: str
) -> None:
    notification = send(world.county_a_officer)
    login_verified(client, getattr(world, person))
    for url in (_open(notification.pk), _read(notification.pk)):
        assert client.post(url).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEntry.objects.filter(action__startswith="notifications.").exists()


def test_the_buttons_are_post_only(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    notification = send(world.county_a_officer)
    assert county_client.get(_open(notification.pk)).status_code == 405
    assert county_client.get(_read(notification.pk)).status_code == 405
    assert county_client.get(reverse("notifications:read_all")).status_code == 405


def test_opening_marks_it_read_and_goes_where_it_points(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    target = reverse("plans:list")
    notification = send(world.county_a_officer, url=target)
    response = county_client.post(_open(notification.pk))
    assert response.status_code == 302 and response["Location"] == target
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditEntry.objects.filter(action="notifications.read").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/plans/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_opening_never_follows_a_link_off_the_site(
    county_client: Client, world: World, url: str
) -> None:
    # notify() refuses such links; a row written some other way must still not be followed.
    notification = Notification.objects.create(
        user=world.county_a_officer, kind="info", title="可疑链接", url=url
    )
    response = county_client.post(_open(notification.pk))
    assert response.status_code == 302 and response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_goes_back_to_the_page_it_came_from(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    notification = send(world.county_a_officer, "请签收")
    back = f"{LIST}?show=unread&page=1"
    response = county_client.post(_read(notification.pk), {"next": back})
    assert response["Location"] == back
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = county_client.get(back).content.decode()
    assert "Marked as read: 请签收" in page
    assert "No unread notifications." in page
    # A foreign "next" is ignored.
    response = county_client.post(_read(notification.pk), {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_mark_all_read(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    for title in ("一", "二", "三"):
        send(world.county_a_officer, title)
    theirs = send(world.city_officer)
    page = county_client.get(LIST).content.decode()
    assert "Mark all as read" in page
    response = county_client.post(reverse("notifications:read_all"), {"next": LIST})
    assert response["Location"] == LIST
    assert not Notification.objects.filter(user=world.county_a_officer, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = county_client.get(LIST).content.decode()
    assert "3 notifications marked as read." in page
    assert "Mark all as read" not in page
    assert AuditEntry.objects.get(action="notifications.read_all").changes == {"count": 3}


def test_the_unread_filter(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    send(world.county_a_officer, "已经读过")
    Notification.objects.update(read_at="2026-05-01T08:00:00+08:00")
    send(world.county_a_officer, "还没读")
    page = county_client.get(LIST, {"show": "unread"}).content.decode()
    assert "还没读" in page and "已经读过" not in page
    page = county_client.get(LIST).content.decode()
    assert "还没读" in page and "已经读过" in page


def test_the_empty_state(county_client: Client) -> None:
    page = county_client.get(LIST).content.decode()
    assert "No notifications." in page
    assert "Mark all as read" not in page


def test_pagination_keeps_the_filter_and_the_query_count_stays_flat(
    county_client: Client, world: World
) -> None:
    def fill(n: int) -> None:
        Notification.objects.bulk_create(
            Notification(user=world.county_a_officer, kind="info", title=f"提醒{i:02d}")
            for i in range(n)
        )

    fill(3)
    # The first page of a session fills what is kept between pages (the person's roles).
    county_client.get(LIST, {"show": "unread"})
    with CaptureQueriesContext(connection) as few:
        county_client.get(LIST, {"show": "unread"})
    fill(22)
    with CaptureQueriesContext(connection) as many:
        first = county_client.get(LIST, {"show": "unread"}).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert first.count('<h2 id="notification-') == 20
    assert "Page 1 of 2" in first
    assert "?show=unread&amp;page=2" in first
    page_two: dict[str, str | int] = {"show": "unread", "page": 2}
    second = county_client.get(LIST, page_two).content.decode()
    assert second.count('<h2 id="notification-') == 5


def test_the_bell_shows_the_unread_count_on_every_page(
    county_client: Client, world: World, send: Callable[..., Notification]
) -> None:
    home = county_client.get(reverse("core:home")).content.decode()
    assert "Notifications, " not in home
    assert f'href="{LIST}"' in home
    for title in ("一", "二", "三"):
        send(world.county_a_officer, title)
    send(world.city_officer)
    home = county_client.get(reverse("core:home")).content.decode()
    assert "Notifications, 3 unread" in home
    assert '<span class="tag">3</span>' in home


def test_the_bell_is_in_chinese_by_default(
    client: Client, world: World, send: Callable[..., Notification]
) -> None:
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "zh-hans"
    send(world.county_a_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "通知，1 条未读" in home


def test_the_bell_counts_with_one_query_and_only_when_rendered(
    rf: RequestFactory,
    world: World,
    send: Callable[..., Notification],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    send(world.county_a_officer)
    request = rf.get("/")
    request.user = world.county_a_officer
    with django_assert_num_queries(0):
        context = bell(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 1
        assert context["unread_notifications"]() == 1


def test_a_visitor_has_no_unread_notifications_and_no_bell(
    db: None, client: Client, rf: RequestFactory, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert bell(request)["unread_notifications"]() == 0
    page = client.get(reverse("accounts:login")).content.decode()
    assert LIST not in page
