"""Registered people, visits and cases for tests, made through the real services, and the
builders the permission walk uses for the registry's URL keywords (``BUILDERS``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.services.people import PersonData, register_person

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


def make_visit(world: Any, *, households: int = 3) -> Any:
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


def _county_a_person(world: Any) -> Any:
    """A person registered in county A, in need (built once per world)."""
    if not hasattr(world, "_registry_person"):
        world._registry_person = make_person(world, name="李秀英", need_income_fell=True)
    return world._registry_person


def _county_a_case(world: Any) -> Any:
    """A one-child-one-plan case for a child of county A (built once per world)."""
    from zhucan.registry.services.education import open_case

    if not hasattr(world, "_registry_case"):
        child = make_person(world, name="王小明", born=(2012, 3, 4))
        world._registry_case = open_case(
            by=world.county_a_officer, child=child, school_year=SCHOOL_YEAR
        )
    return world._registry_case


def _county_a_visit(world: Any) -> Any:
    """A household visit on an activity report of county A's unit (built once per world)."""
    if not hasattr(world, "_registry_visit"):
        world._registry_visit = make_visit(world)
    return world._registry_visit


def _county_a_import(world: Any) -> Any:
    """An Excel import for county A, checked, with one bad row (built once per world)."""
    from zhucan.registry.tests.factories.imports import checked_import

    if not hasattr(world, "_registry_import"):
        world._registry_import = checked_import(world)
    return world._registry_import


def _county_a_township(world: Any) -> Any:
    """A township on county A's list (built once per world)."""
    from zhucan.registry.services.townships import add_township

    if not hasattr(world, "_registry_township"):
        world._registry_township = add_township(
            by=world.county_a_officer, organisation=world.county_a, name="光明路街道"
        )
    return world._registry_township


BUILDERS: dict[str, Callable[[Any], Any]] = {
    "person_pk": lambda w: _county_a_person(w).pk,
    "case_pk": lambda w: _county_a_case(w).pk,
    "visit_pk": lambda w: _county_a_visit(w).pk,
    "import_pk": lambda w: _county_a_import(w).pk,
    "township_pk": lambda w: _county_a_township(w).pk,
}
