"""The work inside: every step of a request, who may take it, transfer, spam, reopening,
the register (link by exact ID, help counted in coverage) and the audited reveal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import (
    acknowledge_request,
    answer_request,
    assign_request,
    find_own_request,
    link_person,
    mark_spam,
    record_help,
    reopen_request,
    restore_request,
    reveal_request,
    transfer_request,
)
from zhucan.helprequests.tests.factories import PHONE, make_request, make_township
from zhucan.notifications import sms
from zhucan.registry import selectors as registry_selectors
from zhucan.testing.factories import county_a_campaign, id_number, make_person

pytestmark = pytest.mark.django_db
Status = HelpRequest.Status
OUTCOME = "我们已联系您，下周二上门送去康复器具。"


def _fresh(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.get(pk=request.pk)


def test_acknowledge_assign_answer(world: World) -> None:
    made = make_request(world)
    office, worker = make_township(world)
    officer = world.county_a_officer
    made = acknowledge_request(by=officer, request=made, version=made.version)
    assert made.status == Status.ACKNOWLEDGED and made.acknowledged_by == officer
    made = assign_request(by=officer, request=made, to=office, version=made.version)
    assert made.status == Status.ASSIGNED and made.assigned_to == office
    sms.outbox.clear()
    made = answer_request(by=worker, request=made, outcome=OUTCOME, version=made.version)
    assert made.status == Status.ANSWERED and made.answered_by == worker
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "helprequests.request.acknowledged",
        "helprequests.request.assigned",
        "helprequests.request.answered",
    } <= actions


def test_the_requester_gets_a_text_message_when_answered(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    made = make_request(world)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer_request(
            by=world.county_a_officer, request=made, outcome=OUTCOME, version=made.version
        )
    assert [m.to for m in sms.outbox] == [PHONE]
    assert made.number in sms.outbox[0].text


def test_a_stale_version_is_refused(world: World) -> None:
    made = make_request(world)
    acknowledge_request(by=world.county_a_officer, request=made, version=made.version)
    with pytest.raises(DomainError):
        answer_request(by=world.county_a_officer, request=made, outcome=OUTCOME, version=1)


def test_only_the_county_or_the_assignee_may_act(world: World) -> None:
    made = make_request(world)
    _office, worker = make_township(world)
    with pytest.raises(DomainError):
        acknowledge_request(by=world.county_b_officer, request=made, version=made.version)
    with pytest.raises(DomainError):
        answer_request(by=worker, request=made, outcome=OUTCOME, version=made.version)


def test_assigning_outside_the_county_is_refused(world: World) -> None:
    made = make_request(world)
    with pytest.raises(DomainError) as caught:
        assign_request(
            by=world.county_a_officer, request=made, to=world.city_unit, version=made.version
        )
    assert caught.value.field == "to"


def test_an_answer_is_required_and_holds_no_number(world: World) -> None:
    made = make_request(world)
    for outcome in ("", "请拨打13812345678联系我们"):
        with pytest.raises(DomainError) as caught:
            answer_request(
                by=world.county_a_officer, request=made, outcome=outcome, version=made.version
            )
        assert caught.value.field == "outcome"


def test_transfer_to_another_county(world: World) -> None:
    made = make_request(world)
    office, _worker = make_township(world)
    made = assign_request(by=world.county_a_officer, request=made, to=office, version=made.version)
    moved = transfer_request(
        by=world.county_a_officer,
        request=made,
        to=world.county_b,
        reason="求助人住在叶县",
        version=made.version,
    )
    assert moved.organisation == world.county_b and moved.org_path == world.county_b.path
    assert moved.status == Status.RECEIVED and moved.assigned_to is None
    entries = AuditEntry.objects.filter(action="helprequests.request.transferred")
    assert {e.org_path for e in entries} == {world.county_a.path, world.county_b.path}
    assert entries[0].changes["reason"] == "求助人住在叶县"


def test_spam_and_restore(world: World) -> None:
    made = make_request(world)
    made = mark_spam(
        by=world.county_a_officer, request=made, reason="广告内容", version=made.version
    )
    assert made.status == Status.SPAM
    made = restore_request(by=world.county_a_officer, request=made, version=made.version)
    assert made.status == Status.RECEIVED and made.spam_reason == ""


def _answered(world: World) -> HelpRequest:
    made = make_request(world)
    return answer_request(
        by=world.county_a_officer, request=made, outcome=OUTCOME, version=made.version
    )


def test_the_requester_reopens_within_30_days(world: World) -> None:
    made = _answered(world)
    reopened = reopen_request(by=None, number=made.number, phone=PHONE)
    assert reopened.status == Status.REOPENED and reopened.reopened_at is not None
    entry = AuditEntry.objects.get(action="helprequests.request.reopened")
    assert entry.actor is None and entry.changes == {"source": "public_form"}


def test_no_reopening_after_30_days(world: World) -> None:
    made = _answered(world)
    HelpRequest.objects.filter(pk=made.pk).update(answered_at=timezone.now() - timedelta(days=31))
    with pytest.raises(DomainError, match="30 days"):
        reopen_request(by=None, number=made.number, phone=PHONE)


def test_reopening_needs_the_right_phone(world: World) -> None:
    made = _answered(world)
    with pytest.raises(DomainError, match="no request with this number and phone"):
        reopen_request(by=None, number=made.number, phone="13900000000")
    assert _fresh(made).status == Status.ANSWERED


def test_the_look_up_finds_nothing_with_a_wrong_number_or_phone(world: World) -> None:
    made = make_request(world)
    assert find_own_request(number=made.number.lower(), phone=PHONE) == made
    assert find_own_request(number=made.number, phone="13900000000") is None
    assert find_own_request(number="QZAAAAAAAAAA", phone=PHONE) is None


def test_link_by_exact_id_number_and_count_the_help(world: World) -> None:
    number = id_number()
    person = make_person(world, number=number, need_income_fell=True)
    made = make_request(world, name="李秀英", id_number=number, consent=True)
    campaign = county_a_campaign(world)
    officer = world.county_a_officer
    before = registry_selectors.coverage(officer, campaign, world.county_a).totals.helped
    assert link_person(by=officer, request=made) == person
    assert AuditEntry.objects.filter(action="helprequests.request.linked").exists()
    row = record_help(by=officer, request=made, given_on=timezone.localdate(), campaign=campaign)
    again = record_help(by=officer, request=made, given_on=timezone.localdate(), campaign=campaign)
    assert again == row  # the form sent twice records the help once
    after = registry_selectors.coverage(officer, campaign, world.county_a).totals.helped
    assert after == before + 1
    result = registry_selectors.coverage(officer, campaign, world.county_a)
    assert person not in registry_selectors.not_helped(officer, result)


def test_link_finds_nobody_for_another_number(world: World) -> None:
    make_person(world, number=id_number())
    made = make_request(world, name="王芳", id_number=id_number(), consent=True)
    with pytest.raises(DomainError, match="Nobody"):
        link_person(by=world.county_a_officer, request=made)


def test_link_needs_personal_data(world: World) -> None:
    made = make_request(world, name="王芳", id_number=id_number(), consent=True)
    _office, worker = make_township(world)
    with pytest.raises(DomainError):
        link_person(by=worker, request=made)


def test_reveal_is_audited_with_the_purpose_and_never_the_values(world: World) -> None:
    made = make_request(world, name="李秀英", id_number=id_number(), consent=True)
    values = reveal_request(
        by=world.county_a_officer,
        request=made,
        purpose="home_visit",
        fields=["phone", "name"],
    )
    assert values == {"name": "李秀英", "phone": PHONE}
    entry = AuditEntry.objects.get(action="helprequests.request.revealed")
    assert entry.changes == {"purpose": "home_visit", "note": "", "fields": ["name", "phone"]}
    assert PHONE not in str(entry.changes)


def test_reveal_needs_a_purpose_and_the_right(world: World) -> None:
    made = make_request(world)
    with pytest.raises(DomainError):
        reveal_request(by=world.county_a_officer, request=made, purpose="", fields=["phone"])
    with pytest.raises(DomainError):
        reveal_request(
            by=world.county_b_officer, request=made, purpose="home_visit", fields=["phone"]
        )
