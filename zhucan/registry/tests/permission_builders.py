"""URL keyword -> builder(world) of an object owned by county A, for the permission walk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _county_a_person(world: Any) -> Any:
    """A person registered in county A, in need (built once per world)."""
    from zhucan.registry.tests.factories import make_person

    if not hasattr(world, "_registry_person"):
        world._registry_person = make_person(world, name="李秀英", need_income_fell=True)
    return world._registry_person


def _county_a_case(world: Any) -> Any:
    """A one-child-one-plan case for a child of county A (built once per world)."""
    from zhucan.registry.services.education import open_case
    from zhucan.registry.tests.factories import SCHOOL_YEAR, make_person

    if not hasattr(world, "_registry_case"):
        child = make_person(world, name="王小明", born=(2012, 3, 4))
        world._registry_case = open_case(
            by=world.county_a_officer, child=child, school_year=SCHOOL_YEAR
        )
    return world._registry_case


def _county_a_visit(world: Any) -> Any:
    """A household visit on an activity report of county A's unit (built once per world)."""
    from zhucan.registry.tests.factories import make_visit

    if not hasattr(world, "_registry_visit"):
        world._registry_visit = make_visit(world)
    return world._registry_visit


def _county_a_import(world: Any) -> Any:
    """An Excel import for county A, checked, with one bad row (built once per world)."""
    from zhucan.registry.tests.import_helpers import checked_import

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
