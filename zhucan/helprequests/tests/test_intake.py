"""Filing a request: sealed, routed to the county, numbered, given working-day deadlines,
sent once however often the form arrives, limited per phone and per address."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.db import connection

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.core.workdays import add_working_days
from zhucan.helprequests.models import HelpRequest, HelpSettings
from zhucan.helprequests.services import intake
from zhucan.helprequests.services.intake import NUMBER_PATTERN, responsible_organisation
from zhucan.helprequests.tests.factories import DESCRIPTION, PHONE, make_request
from zhucan.orgs.models import Region
from zhucan.registry import crypto
from zhucan.testing.factories import id_number, make_org

pytestmark = pytest.mark.django_db


def test_a_request_is_stored_sealed_and_masked(world: World) -> None:
    number = id_number()
    made = make_request(world, name="李秀英", id_number=number, consent=True, place="王庄村")
    assert made.phone_masked == "*********78"
    assert crypto.decrypt(made.phone_ct, field="help_phone") == PHONE
    assert crypto.decrypt(made.description_ct, field="help_description") == DESCRIPTION
    assert made.id_masked.startswith("410") and made.id_masked.endswith("*")
    assert made.id_index == crypto.blind_index(number)
    assert made.name_masked == "李**"
    assert made.consent_at is not None
    assert NUMBER_PATTERN.match(made.number)


def test_numbers_are_random_and_unique(world: World) -> None:
    numbers = {make_request(world, phone=f"1381234567{i}").number for i in range(3)}
    assert len(numbers) == 3


def test_a_request_goes_to_the_county_of_its_region(world: World) -> None:
    assert make_request(world, region="410402").organisation == world.county_a
    assert make_request(world, region="410422").organisation == world.county_b


def test_a_township_is_routed_to_its_county() -> None:
    county = Region(code="410402", level=Region.Level.COUNTY)
    township = Region(code="410402001", level=Region.Level.TOWNSHIP, parent=county)
    fallback: Any = object()
    # No organisation for these unsaved regions: the walk goes up to None, then the fallback.
    assert responsible_organisation(township, fallback) is fallback


def test_a_township_region_in_the_database_finds_the_county(world: World) -> None:
    county = Region.objects.get(code="410402")
    township = Region.objects.create(
        code="410402001", name="中兴路街道", level=Region.Level.TOWNSHIP, parent=county
    )
    assert responsible_organisation(township, world.city) == world.county_a


def test_a_county_without_an_organisation_goes_to_the_one_above(world: World) -> None:
    made = make_request(world, region="410403")  # 卫东区: no committee in the test tree
    assert made.organisation == world.city


def test_a_federation_answers_where_there_is_no_committee(world: World) -> None:
    federation = make_org(
        name="卫东区残联", parent=world.city, kind="federation", region_code="410403"
    )
    assert make_request(world, region="410403").organisation == federation


def test_deadlines_are_counted_in_working_days(world: World, monkeypatch: Any) -> None:
    HelpSettings.objects.create(organisation=world.county_a, acknowledge_days=2, answer_days=7)
    friday = date(2026, 12, 4)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: friday)
    made = make_request(world)
    assert made.acknowledge_due == date(2026, 12, 8)  # Monday, Tuesday
    assert made.answer_due == date(2026, 12, 15)


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)  # Saturday → Monday


def test_the_same_form_sent_twice_makes_one_request(world: World) -> None:
    token = uuid.uuid4()
    first = make_request(world, token=token)
    again = make_request(world, token=token)
    assert first.pk == again.pk
    assert HelpRequest.objects.count() == 1


def test_the_audit_entry_says_it_came_from_the_public_form(world: World) -> None:
    made = make_request(world)
    entry = AuditEntry.objects.get(action="helprequests.request.submitted")
    assert entry.actor is None and entry.actor_name == "system"
    assert entry.changes["source"] == "public_form"
    assert entry.org_path == made.org_path
    assert PHONE not in str(entry.changes) and DESCRIPTION not in str(entry.changes)


def test_one_phone_cannot_flood_the_queue(world: World) -> None:
    for _ in range(intake.PER_PHONE_PER_DAY):
        make_request(world)
    with pytest.raises(DomainError, match="several requests"):
        make_request(world)
    assert HelpRequest.objects.count() == intake.PER_PHONE_PER_DAY


def test_one_address_cannot_flood_the_queue(world: World) -> None:
    for i in range(intake.PER_ADDRESS_PER_HOUR):
        make_request(world, phone=f"139000000{i:02d}", address="203.0.113.9")
    with pytest.raises(DomainError, match="several requests"):
        make_request(world, phone="13700000000", address="203.0.113.9")
    # Another address is not held back by it.
    make_request(world, phone="13700000000", address="203.0.113.10")
    stored = HelpRequest.objects.values_list("client_index", flat=True).first()
    assert stored and "203.0.113" not in stored


def test_a_robot_goes_to_the_spam_list_quietly(world: World) -> None:
    made = make_request(world, spam_reason="honeypot")
    assert made.status == HelpRequest.Status.SPAM
    assert made.spam_reason == "honeypot"


def test_a_name_without_consent_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        make_request(world, name="李秀英")
    assert caught.value.field == "consent"


def test_a_wrong_phone_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        make_request(world, phone="12345")
    assert caught.value.field == "phone"


def test_no_clear_personal_data_in_any_column(world: World) -> None:
    """A dump of the table: every column of every row, as the database has it."""
    number = id_number()
    make_request(
        world,
        name="李秀英",
        id_number=number,
        consent=True,
        place="焦店镇王庄村",
        preferred_time="下午",
    )
    table = HelpRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the model's own table name
        dump = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for clear in (PHONE, number, "李秀英", "王庄村", DESCRIPTION, DESCRIPTION[:8]):
        assert clear not in dump
