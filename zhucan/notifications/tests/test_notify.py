"""notify(): one notification per person, email and SMS only once the caller's work commits."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import transaction
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.notifications import sms
from zhucan.notifications.models import Notification
from zhucan.notifications.services import mark_all_read, mark_read, notify
from zhucan.testing.factories import make_user


def _with_email(user: User, address: str) -> User:
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_one_notification_per_distinct_active_person_in_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    gone = make_user(username="retired_officer", org=world.county_a, is_active=False)
    people = [world.city_officer, world.county_a_officer, world.city_officer, gone]
    with django_assert_num_queries(1):
        created = notify(
            users=people, kind="reminder", title="请签收通知", body="三天内签收", url="/plans/"
        )
    assert created == 2
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "city_officer",
        "county_a_officer",
    ]
    notification = Notification.objects.get(user=world.city_officer)
    assert (notification.kind, notification.title, notification.body, notification.url) == (
        "reminder",
        "请签收通知",
        "三天内签收",
        "/plans/",
    )
    assert notification.read_at is None
    # The caller's service writes the audit entry, not notify().
    assert not AuditEntry.objects.filter(action__startswith="notifications.").exists()


def test_notify_refuses_to_run_outside_a_transaction(transactional_db: None) -> None:
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        notify(users=[], kind="info", title="x")


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "plans/"])
def test_notify_links_only_to_paths_of_this_site(world: World, url: str) -> None:
    with pytest.raises(ValueError, match="path of this site"):
        notify(users=[world.city_officer], kind="info", title="x", url=url)
    assert not Notification.objects.exists()


def test_email_leaves_after_commit_one_message_per_address(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _with_email(world.city_officer, "gao@example.cn")
    _with_email(world.county_a_officer, "zhang@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(
            users=[world.city_officer, world.county_a_officer, world.county_b_officer],
            kind="reminder",
            title="请签收通知",
            body="新华区残工委尚未签收。",
            url="/campaigns/1/",
            extra_emails=["office@example.cn", "gao@example.cn", ""],
        )
        assert mail.outbox == [], "nothing may leave before the transaction commits"
    assert len(callbacks) == 1
    # county_b_officer has no address; each address once, and nobody sees the others'.
    assert [m.to for m in mail.outbox] == [
        ["gao@example.cn"],
        ["office@example.cn"],
        ["zhang@example.cn"],
    ]
    message = mail.outbox[0]
    assert message.subject == "请签收通知"
    assert message.body == "新华区残工委尚未签收。\n\n/campaigns/1/"


def test_a_line_break_in_the_title_does_not_reach_the_mail_header(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _with_email(world.city_officer, "gao@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.city_officer], kind="info", title="请签收\nBcc: x@evil.example")
    assert mail.outbox[0].subject == "请签收 Bcc: x@evil.example"
    assert mail.outbox[0].bcc == []


def test_no_email_when_asked_not_to(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _with_email(world.city_officer, "gao@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(users=[world.city_officer], kind="info", title="x", email=False)
    assert callbacks == [] and mail.outbox == []


def test_nothing_goes_out_when_the_callers_transaction_rolls_back(
    world: World,
    sms_outbox: list[sms.SmsMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    _with_email(world.city_officer, "gao@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValueError), transaction.atomic():
            notify(
                users=[world.city_officer],
                kind="escalation",
                title="逾期未签收",
                sms=True,
                sms_numbers=["13812345678"],
            )
            raise ValueError("the reminder service failed after notifying")
    assert callbacks == []
    assert mail.outbox == [] and sms_outbox == []
    assert not Notification.objects.exists()


def test_sms_goes_to_each_number_once_after_commit(
    world: World,
    sms_outbox: list[sms.SmsMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[world.county_a_officer],
            kind="escalation",
            title="新华区残工委逾期未签收",
            body="不在短信里",
            email=False,
            sms=True,
            sms_numbers=["13812345678", "13912345678", "13812345678"],
        )
        assert sms_outbox == []
    assert sorted(m.to for m in sms_outbox) == ["13812345678", "13912345678"]
    assert {m.text for m in sms_outbox} == {"新华区残工委逾期未签收"}


def test_sms_numbers_are_not_texted_unless_sms_is_asked_for(
    world: World,
    sms_outbox: list[sms.SmsMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.county_a_officer], kind="info", title="x", sms_numbers=["13812345678"])
    assert sms_outbox == []


def test_the_log_backend_masks_the_number(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND = "zhucan.notifications.sms.LogBackend"
    with caplog.at_level(logging.INFO, logger="zhucan.sms"):
        assert sms.send_sms(["13812345678", " 13812345678 ", ""], "请签收通知") == 1
    assert [r.name for r in caplog.records] == ["zhucan.sms"]
    assert "138****5678" in caplog.text
    assert "请签收通知" in caplog.text
    assert "13812345678" not in caplog.text


@pytest.mark.parametrize(
    ("number", "masked"),
    [("13812345678", "138****5678"), ("+8613812345678", "+86*******5678"), ("1234567", "*******")],
)
def test_mask_number(number: str, masked: str) -> None:
    assert sms.mask_number(number) == masked


def test_the_backend_is_chosen_by_setting(settings: Settings) -> None:
    settings.SMS_BACKEND = "zhucan.notifications.sms.LocmemBackend"
    assert isinstance(sms.get_backend(), sms.LocmemBackend)
    assert isinstance(sms.get_backend("zhucan.notifications.sms.LogBackend"), sms.LogBackend)


def test_mark_read_is_audited_once(world: World, send: Callable[..., Notification]) -> None:
    notification = send(world.county_a_officer)
    mark_read(by=world.county_a_officer, notification=notification)
    mark_read(by=world.county_a_officer, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is not None
    entry = AuditEntry.objects.get(action="notifications.read")
    assert entry.actor == world.county_a_officer
    assert entry.object_id == str(notification.pk)


def test_nobody_marks_someone_elses_notification_read(
    world: World, send: Callable[..., Notification]
) -> None:
    notification = send(world.county_a_officer)
    superuser = make_user(username="root", is_superuser=True, is_staff=True)
    for person in (world.city_officer, superuser):
        with pytest.raises(Notification.DoesNotExist):
            mark_read(by=person, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_only_marks_the_persons_own(
    world: World, send: Callable[..., Notification]
) -> None:
    for title in ("一", "二"):
        send(world.county_a_officer, title)
    theirs = send(world.city_officer)
    assert mark_all_read(by=world.county_a_officer) == 2
    assert mark_all_read(by=world.county_a_officer) == 0
    assert not Notification.objects.filter(user=world.county_a_officer, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    entry = AuditEntry.objects.get(action="notifications.read_all")
    assert entry.changes == {"count": 2}
