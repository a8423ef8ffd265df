"""Masked everywhere; a reveal needs a reason and is audited; erasure leaves no personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership
from zhucan.registry import crypto
from zhucan.registry.models import Assistance, EducationCase, Person
from zhucan.registry.services.assistance import AssistanceInput, record_assistance
from zhucan.registry.services.education import open_case
from zhucan.registry.services.privacy import erase_person, reveal_person
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person, make_user


def test_pages_show_masked_values_only(client: Client, world: World) -> None:
    person = make_person(world, guardian_phone="13800001111")
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    login_verified(client, world.city_officer)
    for url in (reverse("registry:list"), reverse("registry:detail", args=[person.pk])):
        body = client.get(url).content.decode()
        assert person.id_masked in body
        for secret in (number, number[6:14], "13912345678", "13800001111", "光明路"):
            assert secret not in body


def test_reveal_needs_a_purpose_and_is_audited_without_values(client: Client, world: World) -> None:
    person = make_person(world)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    login_verified(client, world.city_officer)
    url = reverse("registry:reveal", args=[person.pk])
    response = client.post(url, {"details": ["id_number", "phone"], "purpose": ""})
    assert number not in response.content.decode()
    assert "Choose why" in response.content.decode()
    response = client.post(url, {"details": ["id_number"], "purpose": "other", "note": ""})
    assert number not in response.content.decode() and "Say why" in response.content.decode()
    assert not AuditEntry.objects.filter(action="registry.person.revealed").exists()

    note = "电话联系监护人安排入户走访"
    response = client.post(
        url, {"details": ["id_number", "phone"], "purpose": "other", "note": note}
    )
    body = response.content.decode()
    assert number in body and "13912345678" in body and "光明路" not in body
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="registry.person.revealed")
    assert entry.changes == {
        "purpose": "other",
        "note": "电话联系监护人安排入户走访",
        "fields": ["id_number", "phone"],
    }
    assert entry.actor == world.city_officer
    for text in (str(entry.changes), entry.object_repr):
        assert number not in text and "13912345678" not in text and person.name not in text
    # The auditor finds it in the audit log pages.
    client.logout()
    login_verified(client, world.city_auditor)
    log = client.get(reverse("core:audit"), {"q": "revealed"}).content.decode()
    assert "registry.person.revealed" in log and "电话联系监护人安排入户走访" in log
    assert number not in log


def test_roles_without_the_reveal_capability_cannot_reveal(client: Client, world: World) -> None:
    person = make_person(world)
    reviewer = make_user(username="reviewer", org=world.city, role=Membership.Role.REVIEWER)
    with pytest.raises(DomainError):
        reveal_person(by=reviewer, person=person, purpose="correction", fields=["id_number"])
    for user in (reviewer, world.city_auditor):
        client.logout()
        login_verified(client, user)
        assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 200
        response = client.post(
            reverse("registry:reveal", args=[person.pk]),
            {"details": ["id_number"], "purpose": "verify_identity"},
        )
        assert response.status_code == 403


def test_erasure_removes_the_person_keeps_help_anonymous_and_the_log_clean(
    client: Client, world: World, city_campaign: Any
) -> None:
    person = make_person(world, name="赵小花", born=(2012, 3, 4), need_no_care=True)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    record_assistance(
        by=world.county_a_officer,
        person=person,
        organisation=world.county_a,
        campaign=city_campaign,
        data=AssistanceInput(kind="cash", given_on=date(2020, 5, 17), note="给赵小花送慰问金"),
    )
    open_case(by=world.county_a_officer, child=person, school_year=2020)
    reveal_person(by=world.county_a_officer, person=person, purpose="home_visit", fields=["phone"])
    login_verified(client, world.county_a_officer)
    url = reverse("registry:erase", args=[person.pk])
    assert client.post(url, {"reason": "本人申请（2020-06-01 书面）"}).status_code == 200
    assert Person.objects.filter(pk=person.pk).exists()  # not confirmed
    response = client.post(url, {"reason": "本人申请（2020-06-01 书面）", "confirm": "on"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not EducationCase.objects.exists()
    kept = Assistance.objects.get()
    assert kept.person is None and kept.note == "" and kept.campaign == city_campaign
    entry = AuditEntry.objects.get(action="registry.person.erased")
    assert entry.changes["person"] == person.pk and entry.org_path == world.county_a.path
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes}"
        assert "赵小花" not in text and number not in text and number[6:14] not in text


def test_erasure_is_for_writers_of_that_register(world: World) -> None:
    person = make_person(world)
    with pytest.raises(DomainError):
        erase_person(by=world.city_auditor, person=person, reason="本人申请删除")
    assert Person.objects.filter(pk=person.pk).exists()
