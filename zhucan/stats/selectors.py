"""Reading the statistics: the figures of a campaign (with its cascade) at any node of the tree.

The public functions, for the dashboards, the exports and whoever builds on them (the fixed
统计表, background exports):

* ``default_campaign(user)`` and ``campaign_choices(user)``: what the dashboard offers.
* ``default_node(user, campaign)``: where a person's view of a campaign starts.
* ``check_node(campaign, node)``: whether a node lies in the campaign's tree.
* ``dashboard(user, campaign, node=, filters=)``: one line per organisation directly below the
  node (with everything under it) and one for the node's own reports, each with every metric,
  media counts and completeness counts; the total; the indicators; the "as of" time.
* ``accepted_reports(campaign, organisation, filters=)``: an organisation's own accepted reports.

Without filters the figures come from the roll-up cells (models.Cell): the node's and its
children's, a few hundred rows whatever the number of reports. With filters (duty, category,
mode, dates) no cell fits, and the figures are counted from the reports themselves, scoped to
the node's subtree and the campaign's cascade and grouped by the database (``live_figures``).

Callers check visibility first: the campaign through ``Campaign.objects.visible_to`` and the
node through ``Organisation.objects.visible_to`` (the views use the ``access`` getters); every
figure here is of the node's subtree, so a visible node means visible figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, StrIndex, Substr

from zhucan.activities.models import (
    ActivityReport,
    Indicator,
    IndicatorValue,
    MediaReport,
    Visit,
)
from zhucan.campaigns.models import Campaign, Duty
from zhucan.orgs.models import Organisation, jurisdiction_paths
from zhucan.stats import metrics
from zhucan.stats.models import Cell, CellVersion
from zhucan.stats.services.deliveries import DELIVERED, RECIPIENTS

ZERO = Decimal(0)
# The completeness counts of a line: recipients, and how many delivered each kind.
COMPLETENESS_KINDS = ("receipt", "plan", "report")


# --- Campaign and node ----------------------------------------------------------------------


def campaign_tree(campaign_pk: int) -> RawSQL:
    """The ids of a campaign and every campaign cascaded from it (drafts left out, as in
    ``campaigns.selectors.cascade``), as a subquery: ``campaign_id__in=campaign_tree(pk)``.
    The database walks the tree, so a national campaign's thousands of cascaded campaigns never
    travel as a list of parameters."""
    table = Campaign._meta.db_table
    return RawSQL(  # noqa: S611 - the table name from the model, the id a parameter
        f"""WITH RECURSIVE tree(id) AS (
                SELECT id FROM {table} WHERE id = %s
                UNION ALL
                SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id
                WHERE c.status <> 'draft'
            ) SELECT id FROM tree""",  # noqa: S608 - the table name from the model
        [campaign_pk],
    )


def campaign_choices(user: Any, *, limit: int = 50) -> list[Campaign]:
    """Published and closed campaigns the user sees, issued at the user's level or above (a
    province's thousands of cascaded campaigns are reached by drilling down, not in a list),
    latest first."""
    qs = Campaign.objects.visible_to(user).filter(
        status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED]
    )
    roots = jurisdiction_paths(user)
    if roots:
        deepest = max(p.count("/") - 2 for p in roots)
        qs = qs.filter(issuing_org__depth__lte=deepest)
    return list(
        # The notice too: two campaigns of one name are told apart by its 文号 (Campaign's
        # __str__ shows it when loaded), in the same query.
        qs.select_related("kind", "issuing_org", "notice").order_by(
            "-year", "issuing_org__depth", "-published_at", "-pk"
        )[:limit]
    )


def default_campaign(user: Any) -> Campaign | None:
    """The latest published campaign the user sees, the highest-level one first in a year."""
    return (
        Campaign.objects.visible_to(user)
        .filter(status=Campaign.Status.PUBLISHED)
        .select_related("issuing_org")
        .order_by("-year", "issuing_org__depth", "-published_at", "-pk")
        .first()
    )


def check_node(campaign: Campaign, node: Organisation) -> bool:
    """Figures exist only inside the campaign's issuer's subtree (cells stop at the issuer)."""
    return node.path.startswith(campaign.issuing_org.path)


def default_node(user: Any, campaign: Campaign) -> Organisation | None:
    """The issuer, when the user's jurisdiction covers it; else the user's highest organisation
    inside the issuer's subtree; None when the user has none there."""
    issuer = campaign.issuing_org
    roots = jurisdiction_paths(user)
    if user.is_superuser or any(issuer.path.startswith(r) for r in roots):
        return issuer
    inside = sorted((r for r in roots if r.startswith(issuer.path)), key=lambda r: (len(r), r))
    if not inside:
        return None
    return Organisation.objects.filter(path=inside[0]).first()


def breadcrumbs(node: Organisation, top: Organisation | None) -> list[tuple[int, str]]:
    """From the top of the user's view down to the node's parent, for the way back up."""
    if top is None or node.pk == top.pk or not node.path.startswith(top.path):
        return []
    ids = [int(p) for p in node.path[len(top.path) :].strip("/").split("/") if p][:-1]
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(top.pk, top.name)] + [(i, names.get(i, "")) for i in ids]


# --- Filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    duty: Duty | None = None
    category: str = ""
    mode: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.duty or self.category or self.mode or self.date_from or self.date_to)

    def apply(self, reports: QuerySet[ActivityReport]) -> QuerySet[ActivityReport]:
        """Reports that served the duty, of the category and mode, held in the date range (an
        activity counts when any of its days falls in it)."""
        if self.duty is not None:
            reports = reports.filter(duties=self.duty)
        if self.category:
            reports = reports.filter(category=self.category)
        if self.mode:
            reports = reports.filter(mode=self.mode)
        if self.date_from:
            reports = reports.filter(end_date__gte=self.date_from)
        if self.date_to:
            reports = reports.filter(start_date__lte=self.date_to)
        return reports


NO_FILTERS = Filters()


# --- The dashboard --------------------------------------------------------------------------


@dataclass
class Line:
    """One organisation directly below the node, with everything under it; or, with
    ``is_node``, the reports the node filed itself ("this level"); or the total."""

    organisation_id: int
    name: str = ""
    is_node: bool = False
    drillable: bool = False
    href: str = ""  # where its name links to, set once by the view (every table repeats it)
    figures: dict[str, Decimal] = field(default_factory=dict)
    media: dict[str, int] = field(default_factory=dict)
    completeness: dict[str, int] = field(default_factory=dict)  # "expected" and each kind

    def get(self, metric: str) -> Decimal:
        return self.figures.get(metric, ZERO)

    def given(self, metric: str) -> int:
        """How many reports gave ``metric`` (one of ``metrics.MAY_BE_UNKNOWN``)."""
        return int(self.figures.get(metrics.given(metric), ZERO))

    def known(self, metric: str) -> Decimal | None:
        """The figure, or None when it may be unknown and no report gave it: unknown is not
        zero, and a reported 0 stays 0."""
        if metric in metrics.MAY_BE_UNKNOWN and not self.given(metric):
            return None
        return self.get(metric)

    @property
    def reports(self) -> int:
        return int(self.get(metrics.REPORTS))

    @property
    def media_total(self) -> int:
        return sum(self.media.values())

    def rate(self, kind: str) -> int | None:
        """Percentage of recipients that delivered ``kind``; None without recipients."""
        expected = self.completeness.get("expected", 0)
        if not expected:
            return None
        return round(100 * self.completeness.get(kind, 0) / expected)

    def add(self, other: Line) -> None:
        for key, value in other.figures.items():
            self.figures[key] = self.figures.get(key, ZERO) + value
        for key, n in other.media.items():
            self.media[key] = self.media.get(key, 0) + n
        for key, n in other.completeness.items():
            self.completeness[key] = self.completeness.get(key, 0) + n


@dataclass
class Dashboard:
    campaign: Campaign
    node: Organisation
    filters: Filters
    lines: list[Line]
    total: Line
    indicators: list[Indicator]  # those with a value somewhere in view, in their order
    as_of: datetime | None  # when the cells last changed; None when counted live or empty

    @property
    def live(self) -> bool:
        return self.filters.active


Children = dict[int, tuple[str, bool]]


def children_of(node: Organisation) -> Children:
    """{id: (name, has children)} of the organisations directly below ``node``, in order."""
    return {
        pk: (name, has_children)
        for pk, name, has_children in Organisation.objects.filter(parent=node)
        .in_order()
        .annotate(has_children=Exists(Organisation.objects.filter(parent=OuterRef("pk"))))
        .values_list("pk", "name", "has_children")
    }


@dataclass(frozen=True)
class CellsState:
    """How many times the node's cells for the campaign have changed (0: never by an event;
    any accept, return or delivery under the node, and any rebuild, adds to it), and when they
    last changed (the dashboard's "as of")."""

    version: int
    as_of: datetime | None


def cells_state(campaign: Campaign, node: Organisation) -> CellsState:
    """One query, whatever the number of cells."""
    mine = {"campaign": campaign, "organisation": node}
    version, as_of = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(
            cells_version=Subquery(CellVersion.objects.filter(**mine).values("version")[:1]),
            at=Subquery(
                Cell.objects.filter(**mine)
                .order_by()
                .values("campaign")
                .annotate(at=Max("updated_at"))
                .values("at")[:1]
            ),
        )
        .values_list("cells_version", "at")
        .get()
    )
    return CellsState(int(version or 0), as_of)


def dashboard(
    user: Any,
    campaign: Campaign,
    *,
    node: Organisation,
    filters: Filters = NO_FILTERS,
    children: Children | None = None,
    media: dict[int, dict[str, int]] | None = None,
    state: CellsState | None = None,
) -> Dashboard:
    """The figures of ``campaign`` and its cascade under ``node``, line by line. Bounded
    queries: the node's children, the cells (or, filtered, three grouped queries on the raw
    tables), media, completeness, the indicators' names. ``user`` is for the callers' symmetry
    with the other selectors: visibility is checked on the node before. ``children`` and
    ``media`` and ``state``: when the caller has read them already (the cached dashboard's
    key)."""
    if children is None:
        children = children_of(node)
    as_of = None
    if filters.active:
        figures = live_figures(campaign, node, filters)
    else:
        figures, as_of = cell_figures(campaign, node, list(children), read_as_of=state is None)
        if state is not None:
            as_of = state.as_of
    if media is None:
        media = media_counts(campaign, node, filters)
    done = completeness_counts(campaign, node, list(children))

    lines: dict[int, Line] = {}
    for key in set(figures) | set(media) | set(done):
        if key != 0 and key not in children:
            continue  # a row that moved out of the tree since; the total still has it
        name, has_children = children.get(key, (node.name, False))
        lines[key] = Line(
            organisation_id=key or node.pk,
            name=name,
            is_node=key == 0,
            drillable=has_children,
            figures=figures.get(key, {}),
            media=media.get(key, {}),
            completeness=done.get(key, {}),
        )
    total = Line(organisation_id=node.pk, name=node.name)
    for line in lines.values():
        total.add(line)
    own = lines.get(0)
    if own is not None and not (any(own.figures.values()) or own.media or own.completeness):
        del lines[0]  # the node filed nothing itself
    used = {int(k.split(":", 1)[1]) for k in total.figures if k.startswith("indicator:")}
    indicators = list(Indicator.objects.filter(pk__in=used)) if used else []
    # "This level" first, then the children as people expect them (children is in that order).
    place = {pk: n for n, pk in enumerate(children, start=1)}
    ordered = sorted(
        lines.values(), key=lambda line: 0 if line.is_node else place[line.organisation_id]
    )
    return Dashboard(campaign, node, filters, ordered, total, indicators, as_of)


def cell_figures(
    campaign: Campaign, node: Organisation, child_ids: list[int], *, read_as_of: bool = True
) -> tuple[dict[int, dict[str, Decimal]], datetime | None]:
    """The node's and its children's cells, in one query; the node's own reports are its cell
    less its children's. Returns {child id (0: the node itself): {metric: value}} and when the
    node's cells last changed (every change under the node touches them; None without
    ``read_as_of``, for a caller that read it with ``cells_state``)."""
    rows = (
        Cell.objects.filter(campaign=campaign, organisation_id__in=[node.pk, *child_ids])
        .exclude(metric__in=[RECIPIENTS, *DELIVERED.values()])  # see completeness_counts
        .values_list("organisation_id", "metric", "value", "count")
    )
    by_org: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for org_id, metric, value, count in rows:
        if metric in metrics.MAY_BE_UNKNOWN:
            # A people count is known when some report gave it, even as 0; the cell's count
            # says how many did (a cell emptied by a return has count 0: unknown again).
            if count:
                by_org[org_id][metric] = value
                by_org[org_id][metrics.given(metric)] = Decimal(count)
        elif value:  # zero figures (and cells emptied by a return) are left out, as when live
            by_org[org_id][metric] = value
    # The database finds the latest change: a thousand timestamps parsed in Python cost more.
    as_of: datetime | None = None
    if read_as_of:
        as_of = Cell.objects.filter(campaign=campaign, organisation=node).aggregate(
            at=Max("updated_at")
        )["at"]
    result: dict[int, dict[str, Decimal]] = {}
    own = dict(by_org.get(node.pk, {}))
    for org_id, figures in by_org.items():
        if org_id == node.pk:
            continue
        result[org_id] = figures
        for metric, value in figures.items():
            own[metric] = own.get(metric, ZERO) - value
    own = _kept(own)
    if own:
        result[0] = own
    return result, as_of


def _kept(figures: dict[str, Decimal]) -> dict[str, Decimal]:
    """Zero figures left out, except a people count that some report gave (a known 0)."""
    return {
        key: value
        for key, value in figures.items()
        if value or (key in metrics.MAY_BE_UNKNOWN and figures.get(metrics.given(key)))
    }


def _segment(path_field: str, node_path: str) -> Any:
    """The id (as text) of the child of the node a row's organisation lies under, worked out by
    the database from the path; "" for the node itself. Lets the database group a subtree of
    any size into a few lines."""
    rest = Substr(path_field, len(node_path) + 1)
    return Substr(rest, 1, Greatest(StrIndex(rest, Value("/")) - 1, Value(0)))


def _key(segment: str | None) -> int:
    return int(segment) if segment else 0


def scoped_reports(
    campaign: Campaign,
    node: Organisation,
    filters: Filters = NO_FILTERS,
    *,
    cascade: Sequence[int] | None = None,
) -> QuerySet[ActivityReport]:
    """Accepted reports of the campaign's cascade under ``node``, filtered. ``cascade``: the
    cascade's campaign ids when the caller has them as a list (see ``exports``); otherwise
    they are a recursive subquery."""
    reports = ActivityReport.objects.filter(
        status=ActivityReport.Status.ACCEPTED,
        campaign_id__in=campaign_tree(campaign.pk) if cascade is None else cascade,
        organisation__path__startswith=node.path,
    )
    return filters.apply(reports)


def live_figures(
    campaign: Campaign, node: Organisation, filters: Filters = NO_FILTERS
) -> dict[int, dict[str, Decimal]]:
    """The same figures as the cells, counted from the reports (three grouped queries): for
    filters, which no cell fits, and to check the cells."""
    reports = scoped_reports(campaign, node, filters)
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)

    def add(key: int, metric: str, value: Any) -> None:
        result[key][metric] = result[key].get(metric, ZERO) + Decimal(value or 0)

    sums = {key: Sum(key) for key, _label, _money in metrics.FIGURES}
    # COUNT(col) counts the reports that gave a figure (blank is NULL), as the cells' count.
    gave = {f"gave_{key}": Count(key) for key in metrics.MAY_BE_UNKNOWN}
    grouped = (
        reports.annotate(seg=_segment("organisation__path", node.path))
        .values("seg", "category", "mode")
        .annotate(n=Count("pk"), **gave, **sums)  # the counts first: sums take the names
        .order_by()
    )
    for row in grouped:
        key = _key(row["seg"])
        add(key, metrics.REPORTS, row["n"])
        add(key, metrics.category(row["category"]), row["n"])
        add(key, metrics.mode(row["mode"]), row["n"])
        for metric, _label, _money in metrics.FIGURES:
            if metric not in metrics.MAY_BE_UNKNOWN:
                add(key, metric, row[metric])
            elif row[f"gave_{metric}"]:
                add(key, metric, row[metric])
                add(key, metrics.given(metric), row[f"gave_{metric}"])
    # Filtered reports as a subquery by id: the duty filter's join must not repeat values.
    ids = reports.values("pk")
    values = (
        IndicatorValue.objects.filter(report_id__in=ids)
        .annotate(seg=_segment("report__organisation__path", node.path))
        .values("seg", "indicator_id")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in values:
        add(_key(row["seg"]), metrics.indicator(row["indicator_id"]), row["total"])
    visits = (
        Visit.objects.filter(report_id__in=ids)
        .annotate(seg=_segment("report__organisation__path", node.path))
        .values("seg", "kind", "institution__kind")
        .annotate(n=Count("pk"), households=Sum("households"))
        .order_by()
    )
    for row in visits:
        key = _key(row["seg"])
        if row["kind"] == Visit.Kind.HOUSEHOLD:
            add(key, metrics.HOUSEHOLD_VISITS, row["n"])
            add(key, metrics.HOUSEHOLDS, row["households"])
        else:
            add(key, metrics.visit(row["institution__kind"] or ""), row["n"])
    return {k: _kept(figures) for k, figures in result.items()}


def media_counts(
    campaign: Campaign, node: Organisation, filters: Filters = NO_FILTERS
) -> dict[int, dict[str, int]]:
    """Media coverage by line and kind, read live: one grouped query on a small table (a few
    reports per county, not per activity), and media is counted as soon as it is recorded, with
    no review to hook into. The date range applies; duty, category and mode do not."""
    qs = MediaReport.objects.filter(
        campaign_id__in=campaign_tree(campaign.pk), organisation__path__startswith=node.path
    )
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    rows = (
        qs.annotate(seg=_segment("organisation__path", node.path))
        .values("seg", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[_key(row["seg"])][row["kind"]] = row["n"]
    return dict(result)


def completeness_counts(
    campaign: Campaign, node: Organisation, child_ids: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Recipients under the node, and how many of them have signed for the notice, submitted a
    plan and submitted at least one activity report, by line (0: the node's own units), from
    the cells that the campaigns, plans and activities services keep (``services.deliveries``):
    one query for a few rows, at any scale.

    Whether each was on time depends on deadlines that can change after publishing, so
    timeliness stays on the completeness page, which works it out per recipient.
    """
    if child_ids is None:
        child_ids = list(Organisation.objects.filter(parent=node).values_list("pk", flat=True))
    names = {RECIPIENTS: "expected"} | {metric: kind for kind, metric in DELIVERED.items()}
    rows = Cell.objects.filter(
        campaign=campaign, organisation_id__in=[node.pk, *child_ids], metric__in=list(names)
    ).values_list("organisation_id", "metric", "count")
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, metric, count in rows:
        counts[0 if org_id == node.pk else org_id][names[metric]] = int(count)
    own = counts.get(0, {})
    for key in ("expected", *COMPLETENESS_KINDS):
        below = sum(counts[c].get(key, 0) for c in child_ids if c in counts)
        own[key] = own.get(key, 0) - below
    counts[0] = own
    return {
        key: {k: line.get(k, 0) for k in ("expected", *COMPLETENESS_KINDS)}
        for key, line in counts.items()
        if any(line.get(k, 0) for k in ("expected", *COMPLETENESS_KINDS))
    }


def accepted_reports(
    campaign: Campaign, organisation: Organisation, filters: Filters = NO_FILTERS
) -> QuerySet[ActivityReport]:
    """The organisation's own accepted reports for the campaign's cascade, newest first."""
    reports = ActivityReport.objects.filter(
        status=ActivityReport.Status.ACCEPTED,
        campaign_id__in=campaign_tree(campaign.pk),
        organisation=organisation,
    )
    return (
        filters.apply(reports)
        .select_related("campaign__issuing_org")
        .order_by("-start_date", "-pk")
        .distinct()
    )


__all__ = [
    "Dashboard",
    "Filters",
    "Line",
    "accepted_reports",
    "breadcrumbs",
    "campaign_choices",
    "campaign_tree",
    "cell_figures",
    "CellsState",
    "cells_state",
    "check_node",
    "children_of",
    "completeness_counts",
    "dashboard",
    "default_campaign",
    "default_node",
    "live_figures",
    "media_counts",
    "scoped_reports",
]
