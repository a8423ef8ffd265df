"""Registered people, visits and cases for tests, made through the real services."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.services.people import PersonData, register_person

if TYPE_CHECKING:
    from zhucan.activities.models import Visit
    from zhucan.conftest import World

SCHOOL_YEAR = 2020
_serial = itertools.count(101)


def id_number(born: tuple[int, int, int] = (1985, 3, 12), region: str = "410402") -> str:
    """A valid, unused ID number (the check character computed, the serial counted up)."""
    serial = next(_serial) % 1000
    first17 = f"{region}{born[0]:04d}{born[1]:02d}{born[2]:02d}{serial:03d}"
    return first17 + check_character(first17)


def make_person(
    world: Any,
    *,
    name: str = "李秀英",
    organisation: Any = None,
    by: Any = None,
    born: tuple[int, int, int] = (1985, 3, 12),
    number: str | None = None,
    **fields: Any,
) -> Person:
    organisation = organisation or world.county_a
    by = by or (world.county_a_officer if organisation == world.county_a else world.city_admin)
    values: dict[str, Any] = {
        "name": name,
        "id_number": number or id_number(born),
        "category": Person.Category.PHYSICAL,
        "grade": 2,
        "phone": "13912345678",
        "address": "新华区光明路街道12号",
    }
    return register_person(by=by, organisation=organisation, data=PersonData(**(values | fields)))


def make_visit(world: World, *, households: int = 3) -> Visit:
    """A household visit on a submitted report of county A's unit, for county A's campaign."""
    from zhucan.activities.services import VisitInput
    from zhucan.core.tests.test_permissions import _county_a_campaign
    from zhucan.testing.factories import make_report

    report = make_report(
        campaign=_county_a_campaign(world),
        organisation=world.county_a_unit,
        by=world.county_a_officer,
        title="入户慰问困难残疾人",
        cash=Decimal("900.00"),
        visits=[VisitInput(kind="household", households=households, cash=Decimal("900.00"))],
        submit=True,
    )
    return report.visits.get()
