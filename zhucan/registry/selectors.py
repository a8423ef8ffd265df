"""Reads of the register that are more than a filter: the list, coverage, school-age children.

Every one starts from ``Person.objects.visible_to(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.functional import cached_property

from zhucan.campaigns.models import Campaign
from zhucan.campaigns.selectors import cascade
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.registry.models import Assistance, EducationCase, Person
from zhucan.registry.models.people import NEED_FLAGS
from zhucan.registry.services.education import school_age_born

LIST_FIELDS = (
    "pk",
    "name",
    "id_masked",
    "sex",
    "birth_year",
    "category",
    "grade",
    "township",
    "village",
    "poverty",
    "phone_masked",
    *NEED_FLAGS,
    "organisation__name",
    "organisation__short_name",
)


def people(
    user: Any,
    *,
    q: str = "",
    category: str = "",
    grade: int | None = None,
    need: str = "",
    poverty: str = "",
    township: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[Person]:
    """The register as the user may see it, filtered; name search only (ID numbers go through
    ``find_by_id_number`` and the blind index, never through a LIKE)."""
    qs = Person.objects.visible_to(user)
    if q:
        qs = qs.filter(name__contains=q)
    if category:
        qs = qs.filter(category=category)
    if grade:
        qs = qs.filter(grade=grade)
    if need == "any":
        qs = qs.in_need()
    elif need in NEED_FLAGS:
        qs = qs.filter(**{need: True})
    if poverty:
        qs = qs.filter(poverty=poverty)
    if township:
        qs = qs.filter(township=township)
    if organisation is not None:
        qs = qs.filter(org_path__startswith=organisation.path)
    return qs.select_related("organisation").only(*LIST_FIELDS)


class KnownCountPaginator(Paginator[Any]):
    """A paginator told its count (worked out already by the roll-up) instead of asking."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


# --- Coverage ----------------------------------------------------------------------------


@dataclass
class CoverageRow:
    area: Organisation  # the child of the node the people live under (or the node itself)
    township: str
    people: int = 0
    helped: int = 0
    # flag -> (people, helped), in NEED_FLAGS order (the table's columns)
    needs: dict[str, tuple[int, int]] = field(
        default_factory=lambda: dict.fromkeys(NEED_FLAGS, (0, 0))
    )
    organisation_ids: set[int] = field(default_factory=set)

    @property
    def not_helped(self) -> int:
        return self.people - self.helped

    @property
    def need_cells(self) -> list[str]:
        """ "helped / in need" per flag, ready to print (a city has hundreds of these rows)."""
        return [f"{helped} / {people}" for people, helped in self.needs.values()]


@dataclass
class Coverage:
    campaign: Campaign
    node: Organisation
    rows: list[CoverageRow]
    totals: CoverageRow
    campaign_ids: list[int]


def helped_ids(campaign_ids: list[int]) -> QuerySet[Assistance, Any]:
    # person_id IS NOT NULL: erased people leave anonymous rows, and a NULL in a NOT IN list
    # would make it match nothing.
    return Assistance.objects.filter(campaign_id__in=campaign_ids, person__isnull=False).values(
        "person_id"
    )


def _in_need_under(user: Any, node: Organisation) -> QuerySet[Person]:
    return Person.objects.visible_to(user).filter(org_path__startswith=node.path).in_need()


def coverage(user: Any, campaign: Campaign, node: Organisation) -> Coverage:
    """People in need under ``node``, and how many the campaign's cascade has helped, per
    county (child of the node) and township.

    One aggregate query does the counting, whatever the number of people: PostgreSQL reads only
    the partial index of people in need (``person_in_need``, an index-only scan: it holds every
    column the query needs) and probes a hash of the people helped in the cascade (``id IN (…)``
    becomes one hashed subplan). Then one query for the area names.
    """
    campaign_ids = [c.pk for c in cascade(campaign)]
    # One "helped" test per row (a single hashed subplan) as a grouping key, so that the counts
    # per need flag are plain conditional counts: two groups per township at most.
    helped = ExpressionWrapper(Q(id__in=helped_ids(campaign_ids)), output_field=BooleanField())
    counts = {f"n_{flag}": Count("id", filter=Q(**{flag: True})) for flag in NEED_FLAGS}
    grouped = list(
        _in_need_under(user, node)
        .annotate(helped=helped)
        .values("organisation_id", "org_path", "township", "helped")
        .annotate(n=Count("*"), **counts)
        .order_by()
    )
    depth = len(node.path.strip("/").split("/"))
    area_ids = set()
    for row in grouped:
        parts = row["org_path"].strip("/").split("/")
        row["area_id"] = int(parts[depth]) if len(parts) > depth else node.pk
        area_ids.add(row["area_id"])
    areas = {o.pk: o for o in Organisation.objects.filter(pk__in=area_ids - {node.pk})}
    areas[node.pk] = node
    merged: dict[tuple[int, str], CoverageRow] = {}
    totals = CoverageRow(area=node, township="")
    for row in grouped:
        key = (row["area_id"], row["township"])
        target = merged.setdefault(key, CoverageRow(area=areas[key[0]], township=key[1]))
        n, done = row["n"], row["n"] if row["helped"] else 0
        for item in (target, totals):
            item.people += n
            item.helped += done
            item.organisation_ids.add(row["organisation_id"])
            for flag in NEED_FLAGS:
                people, was = item.needs[flag]
                flagged = row[f"n_{flag}"]
                item.needs[flag] = (people + flagged, was + (flagged if row["helped"] else 0))
    rows = sorted(
        merged.values(), key=lambda r: (r.area.path != node.path, r.area.path, r.township)
    )
    return Coverage(
        campaign=campaign, node=node, rows=rows, totals=totals, campaign_ids=campaign_ids
    )


NOT_HELPED_FIELDS = (
    "pk",
    "name",
    "id_masked",
    "phone_masked",
    "address_masked",
    "guardian_name",
    "guardian_phone_masked",
    "org_path",
    "township",
    "village",
    "category",
    "grade",
    *NEED_FLAGS,
    "need_note",
    "organisation__name",
)


def not_helped(
    user: Any,
    result: Coverage,
    *,
    area: Organisation | None = None,
    township: str | None = None,
) -> QuerySet[Person]:
    """People in need under the node with no help yet in the cascade, by area and township."""
    qs = _in_need_under(user, area or result.node).exclude(id__in=helped_ids(result.campaign_ids))
    if area is not None and area.pk == result.node.pk:
        qs = qs.filter(organisation_id=area.pk)  # the node's own people, not its children's
    if township is not None:
        qs = qs.filter(township=township)
    return (
        qs.select_related("organisation")
        .only(*NOT_HELPED_FIELDS)
        .order_by("org_path", "township", "village", "name", "id")
    )


def not_helped_count(result: Coverage, area: Organisation | None, township: str | None) -> int:
    """The length of ``not_helped`` from the roll-up already counted: no second scan."""
    if area is None:
        rows = result.rows
    else:
        rows = [r for r in result.rows if r.area.pk == area.pk]
        if township is not None:
            rows = [r for r in rows if r.township == township]
    return sum(r.not_helped for r in rows)


# --- One child, one plan -----------------------------------------------------------------


def school_age_children(user: Any, school_year: int) -> QuerySet[Person]:
    """Registered children who may be aged 6–15 on 1 September of ``school_year`` (by birth
    year, see ``school_age_born``) with no enrolled case, with the case opened for that year if
    there is one (``open_case_id``)."""
    first, last = school_age_born(school_year)
    enrolled = EducationCase.objects.filter(
        child=OuterRef("pk"), status=EducationCase.Status.ENROLLED
    )
    this_year = EducationCase.objects.filter(child=OuterRef("pk"), school_year=school_year)

    return (
        Person.objects.visible_to(user)
        .filter(birth_year__gte=first, birth_year__lte=last)
        .exclude(Exists(enrolled))
        .annotate(open_case_id=Subquery(this_year.values("pk")[:1]))
        .select_related("organisation")
        .only(*LIST_FIELDS)
        .order_by("org_path", "township", "name", "id")
    )


def cases(
    user: Any, *, status: str = "", placement: str = "", school_year: int | None = None
) -> QuerySet[EducationCase]:
    qs = EducationCase.objects.filter(child__in=Person.objects.visible_to(user))
    if status:
        qs = qs.filter(status=status)
    if placement:
        qs = qs.filter(placement=placement)
    if school_year:
        qs = qs.filter(school_year=school_year)
    return qs.select_related(
        "child__organisation", "education_office", "federation_office"
    ).order_by("status", "-school_year", "child__org_path", "child__name", "id")


def writable_organisations(user: Any) -> QuerySet[Organisation]:
    """The active organisations whose register the user may load from Excel: reporting and
    personal data there."""
    report = organisations_with_capability(user, Capability.REPORT).values("pk")
    return (
        organisations_with_capability(user, Capability.PERSONAL_DATA)
        .filter(pk__in=report, is_active=True)
        .order_by("sort_path", "pk")
    )
