"""The one order organisations are listed in, everywhere: the tree, and among siblings the sub-
areas first by their GB/T 2260 code (新华区 410402 before 汝州市 410482), then the committee's
members in the order notices list them (the ``Department`` choices), then anything else.

Each organisation stores ``sort_path``: its parent's ``sort_path`` plus a fixed-width segment of
digits for its place among its siblings. Ordering by it is one indexed column in SQL and one
string comparison in Python, and gives parents before their units. Digits only, at fixed widths,
so that database collations that skip punctuation still order it the same way.
"""

from __future__ import annotations

from zhucan.orgs.models import Department, Organisation

SUB_AREA, MEMBER, OTHER = "1", "2", "3"
DEPARTMENT_ORDER = {value: n for n, value in enumerate(Department.values)}
_KINDS = {value: n for n, value in enumerate(Organisation.Kind.values)}


def segment(
    *,
    pk: int,
    kind: str,
    department: str,
    region_code: str,
    parent_region_code: str | None,
    member_position: int | None = None,
) -> str:
    """23 digits: the group, the place within it, and the primary key (stable among equals).
    A member's place is the one its committee gave it (``member_position``) when there is one,
    else its department's in the notices' order, after every member with a given place."""
    if parent_region_code is None or region_code != parent_region_code:
        group, place = SUB_AREA, region_code.ljust(12, "0")
    elif member_position is not None:
        group, place = MEMBER, str(member_position).zfill(12)
    elif department:
        place_among = DEPARTMENT_ORDER.get(department, len(DEPARTMENT_ORDER))
        group, place = MEMBER, str(100_000 + place_among).zfill(12)
    else:
        group, place = OTHER, str(_KINDS.get(kind, len(_KINDS))).zfill(12)
    return f"{group}{place[:12]}{pk:010d}"


def sort_path_for(org: Organisation, parent: Organisation | None) -> str:
    return (parent.sort_path if parent else "") + segment(
        pk=org.pk,
        kind=org.kind,
        department=org.department,
        region_code=org.region_id,
        parent_region_code=parent.region_id if parent else None,
        member_position=org.member_position,
    )
