"""The figures of a summary report, read live from the data in a fixed number of queries.

Everything counts accepted activity reports only (as the statistics do), of the campaign and its
cascaded campaigns, from the organisation's whole subtree within the reader's jurisdiction.
Duties are matched by number: a cascaded campaign copies its parent's duties with their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from zhucan.activities.dates import campaign_period
from zhucan.activities.figures import FIGURES, Figure, may_be_unknown
from zhucan.activities.models import (
    ActivityReport,
    Indicator,
    IndicatorValue,
    InstitutionKind,
    MediaReport,
    Photo,
    TypicalActivity,
    Visit,
)
from zhucan.campaigns.models import Campaign, Duty
from zhucan.completeness.selectors import completeness
from zhucan.orgs.models import Organisation
from zhucan.plans.models import Plan, PlannedActivity
from zhucan.stats.help_requests import HelpFigures, help_figures
from zhucan.summaries.access import summary_scope
from zhucan.summaries.names import abbreviate

ZERO = Decimal(0)
BY_NAME = {f.name: f for f in FIGURES}
BY_DUTY = tuple(f for f in FIGURES if f.by_duty)
EXAMPLES_PER_DUTY = 3
MAX_TYPICAL = 10
MEDIA_LISTED = 5
# Counted from the visits when they give it, so the same households are not said twice.
HOUSEHOLDS_CODE = "households_visited"
# The report's people counts, which a report may leave unknown (None), not zero.
PEOPLE_COUNTS = may_be_unknown()


@dataclass
class IndicatorTotal:
    code: str
    name: str
    unit: str
    value: Decimal
    measure: str = ""
    phrase: str = ""


def _zero(figure: Figure) -> int | Decimal:
    return ZERO if figure.is_yuan else 0


class _FigureTotals:
    """The report's fixed figures (activities.figures) summed, in ``totals`` by name, and read
    as attributes too (``overall.cash``): a figure not summed here is 0."""

    totals: dict[str, int | Decimal]

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not an attribute: never one of the dataclass's own.
        figure = BY_NAME.get(name)
        if figure is None:
            raise AttributeError(name)
        return self.__dict__.get("totals", {}).get(name, _zero(figure))


@dataclass
class Overall(_FigureTotals):
    reports: int = 0
    organisations: int = 0
    online: int = 0
    totals: dict[str, int | Decimal] = field(default_factory=dict)
    plans: int = 0
    planned: int = 0
    # How many reports gave each people count (a report may leave one unknown).
    given: dict[str, int] = field(default_factory=dict)


@dataclass
class Visits:
    households: int = 0
    institutions: int = 0
    # Institution kind (value) -> number of visits to institutions of that kind.
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class DutyFigures(_FigureTotals):
    number: int
    text: str
    departments: list[str]
    planned: int = 0
    reports: int = 0
    # The figures the summary gives per duty (``Figure.by_duty``).
    totals: dict[str, int | Decimal] = field(default_factory=dict)
    indicators: list[IndicatorTotal] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (organisation, activity)


@dataclass
class TypicalItem:
    pk: int
    organisation: str
    title: str
    account: str
    start_date: date
    end_date: date
    photo: Photo | None


@dataclass
class MediaItem:
    outlet: str
    title: str
    kind: str
    date: date


@dataclass
class Media:
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    items: list[MediaItem] = field(default_factory=list)


@dataclass
class Done:
    done: int = 0
    expected: int = 0
    on_time: int = 0


@dataclass
class CompletenessLine:
    organisation_id: int
    name: str
    is_node: bool
    cells: dict[str, Done]


@dataclass
class Figures:
    campaign: Campaign
    organisation: Organisation
    cascade: list[Campaign]
    today: date
    overall: Overall
    visits: Visits
    indicators: list[IndicatorTotal]
    duties: list[DutyFigures]
    typical: list[TypicalItem]
    media: Media
    completeness: list[CompletenessLine]
    completeness_total: dict[str, Done]
    help: HelpFigures


def _indicator_totals(rows: Any, names: dict[int, Indicator]) -> list[IndicatorTotal]:
    """Non-zero totals in the indicators' own order."""
    known = sorted(
        ((names[pk], value) for pk, value in rows if pk in names and value),
        key=lambda pair: (pair[0].position, pair[0].pk),
    )
    return [
        IndicatorTotal(i.code, i.name, i.unit, value, measure=i.measure, phrase=i.phrase)
        for i, value in known
    ]


def _overall(reports: Any) -> Overall:
    row = reports.aggregate(
        # First: an aggregate named after a field hides the field from those after it.
        **{f"{name}_given": Count(name) for name in PEOPLE_COUNTS},
        n=Count("pk"),
        orgs=Count("organisation", distinct=True),
        online=Count("pk", filter=Q(mode=PlannedActivity.Mode.ONLINE)),
        **{f"{f.name}_total": Sum(f.name) for f in FIGURES},
    )
    return Overall(
        given={name: row[f"{name}_given"] for name in PEOPLE_COUNTS},
        reports=row["n"],
        organisations=row["orgs"],
        online=row["online"],
        totals={f.name: row[f"{f.name}_total"] or _zero(f) for f in FIGURES},
    )


def _visits(reports: Any) -> Visits:
    visits = Visits()
    rows = (
        Visit.objects.filter(report__in=reports)
        .values("kind", "institution__kind")
        .annotate(n=Count("pk"), households=Sum("households"))
    )
    for row in rows:
        if row["kind"] == Visit.Kind.HOUSEHOLD:
            visits.households += row["households"] or 0
        elif row["institution__kind"]:
            visits.institutions += row["n"]
            kind = row["institution__kind"]
            visits.by_kind[kind] = visits.by_kind.get(kind, 0) + row["n"]
    # In the order the notice lists the places to visit.
    order = list(InstitutionKind.values)
    visits.by_kind = dict(sorted(visits.by_kind.items(), key=lambda kv: order.index(kv[0])))
    return visits


def _duties(
    campaign: Campaign, ids: list[int], reports: Any, planned_scope: Q, names: dict[int, Indicator]
) -> list[DutyFigures]:
    duties = {
        d.number: DutyFigures(d.number, d.text, list(d.departments))
        for d in Duty.objects.filter(campaign=campaign).order_by("number")
    }
    if not duties:
        return []
    planned = (
        PlannedActivity.objects.filter(
            plan__campaign__in=ids,
            plan__status__in=[Plan.Status.SUBMITTED, Plan.Status.APPROVED],
            duty__number__in=list(duties),
        )
        .filter(planned_scope)
        .values("duty__number")
        .annotate(n=Count("pk"))
    )
    for row in planned:
        duties[row["duty__number"]].planned = row["n"]
    served = (
        reports.filter(duties__number__in=list(duties))
        .values("duties__number")
        .annotate(
            n=Count("pk", distinct=True),
            **{f"{f.name}_total": Sum(f.name) for f in BY_DUTY},
        )
    )
    for row in served:
        duty = duties[row["duties__number"]]
        duty.reports = row["n"]
        duty.totals = {f.name: row[f"{f.name}_total"] or _zero(f) for f in BY_DUTY}
    values = (
        IndicatorValue.objects.filter(report__in=reports, report__duties__number__in=list(duties))
        .values("report__duties__number", "indicator_id")
        .annotate(total=Sum("value"))
    )
    per_duty: dict[int, list[tuple[int, Decimal]]] = {}
    for row in values:
        per_duty.setdefault(row["report__duties__number"], []).append(
            (row["indicator_id"], row["total"] or ZERO)
        )
    for number, rows in per_duty.items():
        duties[number].indicators = _indicator_totals(rows, names)
    # The biggest few activities of each duty, as examples: one query with a window.
    examples = (
        reports.filter(duties__number__in=list(duties))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("duties__number")],
                order_by=[F("disabled_served").desc(), F("attendance").desc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=EXAMPLES_PER_DUTY)
        .values_list("duties__number", "organisation__name", "organisation__short_name", "title")
        .order_by("duties__number", "rank")
    )
    for number, name, short, title in examples:
        duties[number].examples.append((abbreviate(name, short), title))
    return list(duties.values())


def _typical(ids: list[int], scope: Q) -> list[TypicalItem]:
    typicals = list(
        TypicalActivity.objects.filter(
            status=TypicalActivity.Status.ACCEPTED,
            report__status=ActivityReport.Status.ACCEPTED,
            report__campaign__in=ids,
        )
        .filter(scope)
        .select_related("report__organisation")
        .order_by("report__organisation__sort_path", "report__start_date", "pk")[:MAX_TYPICAL]
    )
    first_photo: dict[int, Photo] = {}
    photos = Photo.objects.filter(report__in=[t.report_id for t in typicals]).order_by(
        "report_id", "uploaded_at", "pk"
    )
    for photo in photos:
        first_photo.setdefault(photo.report_id, photo)
    return [
        TypicalItem(
            pk=t.pk,
            organisation=abbreviate(t.report.organisation.name, t.report.organisation.short_name),
            title=t.report.title,
            account=t.account,
            start_date=t.report.start_date,
            end_date=t.report.end_date,
            photo=first_photo.get(t.report_id),
        )
        for t in typicals
    ]


def _media(ids: list[int], scope: Q) -> Media:
    media = Media()
    rows = MediaReport.objects.filter(scope, campaign__in=ids)
    order = list(MediaReport.Kind.values)
    counts = dict(rows.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    media.by_kind = {kind: counts[kind] for kind in order if counts.get(kind)}
    media.total = sum(media.by_kind.values())
    media.items = [
        MediaItem(m.outlet, m.title, m.kind, m.date)
        for m in rows.order_by("date", "pk")[:MEDIA_LISTED]
    ]
    return media


def _completeness(
    user: Any, campaign: Campaign, org: Organisation
) -> tuple[list[CompletenessLine], dict[str, Done]]:
    """Completeness per organisation directly below, in the order an office lists them (the
    completeness report's, from orgs.ordering): this level, then the counties by region code,
    then the departments in the notices' order."""
    report = completeness(user, campaign, node=org)
    details = dict(
        Organisation.objects.filter(pk__in=[g.organisation_id for g in report.groups]).values_list(
            "pk", "short_name"
        )
    )

    def cells(tallies: Any) -> dict[str, Done]:
        return {kind: Done(t.done, t.expected, t.on_time) for kind, t in tallies.items()}

    lines = [
        CompletenessLine(
            organisation_id=g.organisation_id,
            name=abbreviate(g.name, details.get(g.organisation_id, "")),
            is_node=g.is_node,
            cells=cells(g.tallies),
        )
        for g in report.groups
    ]
    return lines, cells(report.totals)


def summary_figures(user: Any, cascade: list[Campaign], org: Organisation) -> Figures:
    """Every figure the summary states, for ``org`` and everything under it."""
    campaign = cascade[0]
    ids = [c.pk for c in cascade]
    scope = summary_scope(user, org)
    reports = ActivityReport.objects.filter(
        scope, campaign__in=ids, status=ActivityReport.Status.ACCEPTED
    )
    overall = _overall(reports)
    plans = Plan.objects.filter(
        scope, campaign__in=ids, status__in=[Plan.Status.SUBMITTED, Plan.Status.APPROVED]
    ).aggregate(n=Count("pk", distinct=True), planned=Count("activities"))
    overall.plans, overall.planned = plans["n"], plans["planned"]
    visits = _visits(reports)
    totals = list(
        IndicatorValue.objects.filter(report__in=reports)
        .values("indicator_id")
        .annotate(total=Sum("value"))
        .values_list("indicator_id", "total")
    )
    names = {i.pk: i for i in Indicator.objects.filter(pk__in=[pk for pk, _ in totals])}
    indicators = _indicator_totals(totals, names)
    if not visits.households:
        given = next((i.value for i in indicators if i.code == HOUSEHOLDS_CODE), ZERO)
        visits.households = int(given)
    indicators = [i for i in indicators if i.code != HOUSEHOLDS_CODE]
    duties = _duties(
        campaign, ids, reports, summary_scope(user, org, "plan__organisation__path"), names
    )
    lines, total = _completeness(user, campaign, org)
    # The requests the organisation's subtree is responsible for, received in the campaign's
    # year (stats.help_requests: three queries at most).
    first, last = campaign_period(campaign)
    helped = help_figures(
        org, date_from=first, date_to=last, scope=summary_scope(user, org, "org_path")
    )
    return Figures(
        campaign=campaign,
        organisation=org,
        cascade=cascade,
        today=timezone.localdate(),
        overall=overall,
        visits=visits,
        indicators=indicators,
        duties=duties,
        typical=_typical(ids, summary_scope(user, org, "report__organisation__path")),
        media=_media(ids, scope),
        completeness=lines,
        completeness_total=total,
        help=helped,
    )
