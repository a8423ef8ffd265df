"""Completeness and timeliness: who owes what, by when, and who has delivered, rolled up the tree.

Bounded queries whatever the size of the tree: the campaigns of the cascade (one per level),
their schedules, the recipients with the day of every deliverable, the reminder counts, and the
names of the groups. Everything else is arithmetic in Python over the rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.selectors import cascade
from zhucan.completeness.deliverables import (
    DELIVERABLES,
    STATUS_ORDER,
    Deliverable,
    Status,
    local_date,
    status_of,
)
from zhucan.completeness.models import ReminderSchedule, ReminderSent
from zhucan.core.sql import ids_in
from zhucan.orgs.models import Organisation, jurisdiction_paths, jurisdiction_q


@dataclass(slots=True)
class Cell:
    status: Status
    due: date | None
    delivered_on: date | None

    @property
    def done(self) -> bool:
        return self.delivered_on is not None


@dataclass(slots=True)
class Row:
    campaign_id: int
    organisation_id: int
    name: str
    path: str
    requested_by: str  # the organisation whose campaign asks for it
    cells: dict[str, Cell]
    reminders: int = 0
    order: str = ""  # the organisation's sort_path: the order people expect (orgs.ordering)


@dataclass
class Tally:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    overdue: int = 0

    def add(self, status: Status) -> None:
        self.expected += 1
        setattr(self, str(status), getattr(self, str(status)) + 1)

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def done_percent(self) -> int | None:
        return round(100 * self.done / self.expected) if self.expected else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None


@dataclass
class Group:
    """One line of the roll-up: an organisation below the current node and its whole subtree."""

    organisation_id: int
    name: str
    is_node: bool  # the node's own row(s), shown first as "this level"
    rows: int = 0
    order: str = ""  # the organisation's sort_path
    drillable: bool = False
    tallies: dict[str, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class KindColumn:
    kind: str
    label: str
    dues: tuple[date, ...]  # the due dates across the cascade (a county may set its own)


@dataclass
class Completeness:
    campaign: Campaign
    today: date
    kinds: list[KindColumn]
    node: Organisation | None
    breadcrumbs: list[tuple[int, str]]
    rows: list[Row]
    groups: list[Group]
    totals: dict[str, Tally]
    # How many rows there are when ``rows`` is left empty (the page reads them a page at a time).
    recipients: int = 0

    @property
    def has_rows(self) -> bool:
        return bool(self.rows or self.recipients)


def schedules_for(campaigns: list[Campaign]) -> dict[int, ReminderSchedule]:
    return {
        s.campaign_id: s
        for s in ReminderSchedule.objects.filter(campaign_id__in=ids_in([c.pk for c in campaigns]))
    }


def expected_rows(
    campaigns: list[Campaign],
    *,
    scope: Q | None = None,
    today: date | None = None,
    schedules: dict[int, ReminderSchedule] | None = None,
    deliverables: tuple[Deliverable, ...] = DELIVERABLES,
) -> list[Row]:
    """One row per recipient of each campaign (``scope`` filters on "organisation__path"), with
    the status of every deliverable. Sorted along the tree."""
    today = today or timezone.localdate()
    by_pk = {c.pk: c for c in campaigns}
    ids = list(by_pk)
    if schedules is None:
        schedules = schedules_for(campaigns)
    dues = {
        (d.kind.value, c.pk): d.due(c, schedules.get(c.pk)) for d in deliverables for c in campaigns
    }
    scope = scope if scope is not None else Q()
    kinds = [d.kind.value for d in deliverables]
    # Every kind's day from the one list of recipients (see ``deliverables``).
    days = {f"on_{n}": local_date(d.field) for n, d in enumerate(deliverables)}
    raw = (
        Receipt.objects.filter(scope, campaign_id__in=ids_in(ids))
        .annotate(**days)
        .values_list(
            "campaign_id",
            "organisation_id",
            "organisation__name",
            "organisation__path",
            "organisation__sort_path",
            *days,
        )
        .order_by("organisation__sort_path", "campaign_id")
    )
    asked_by = {pk: c.issuing_org.short_name or c.issuing_org.name for pk, c in by_pk.items()}
    # Each campaign's due dates, in the kinds' order, looked up once per recipient.
    due_by = {c.pk: [dues[(kind, c.pk)] for kind in kinds] for c in campaigns}
    # A status per (delivery day, due day): a few hundred pairs among a nation's recipients.
    statuses: dict[tuple[date | None, date | None], Status] = {}

    def status(on: date | None, due: date | None) -> Status:
        found = statuses.get((on, due))
        if found is None:
            found = statuses[(on, due)] = status_of(on, due, today)
        return found

    rows = []
    for campaign_id, org_id, name, path, order, *delivered in raw:
        cells = {
            kind: Cell(status(on, due), due, on)
            for kind, due, on in zip(kinds, due_by[campaign_id], delivered, strict=True)
        }
        rows.append(Row(campaign_id, org_id, name, path, asked_by[campaign_id], cells, 0, order))
    return rows


def _attach_reminder_counts(rows: list[Row], campaign_ids: list[int]) -> None:
    counts = {
        (c, o): n
        for c, o, n in ReminderSent.objects.filter(campaign_id__in=ids_in(campaign_ids))
        .values("campaign_id", "organisation_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "organisation_id", "n")
    }
    for row in rows:
        row.reminders = counts.get((row.campaign_id, row.organisation_id), 0)


def default_node(user: Any, campaign: Campaign) -> Organisation | None:
    """The issuer when the user's jurisdiction covers it, else the user's single root."""
    roots = jurisdiction_paths(user)
    if user.is_superuser or any(campaign.issuing_org.path.startswith(r) for r in roots):
        return campaign.issuing_org
    if len(roots) == 1:
        return Organisation.objects.filter(path=roots[0]).first()
    return None


def _group_id(row: Row, node_path: str, roots: list[str]) -> int:
    if node_path:
        rest = row.path[len(node_path) :].strip("/")
        return int(rest.split("/")[0]) if rest else 0  # 0: the node itself
    root = next((r for r in roots if row.path.startswith(r)), row.path)
    return int(root.strip("/").split("/")[-1])


def completeness(
    user: Any, campaign: Campaign, *, node: Organisation | None = None
) -> Completeness:
    today = timezone.localdate()
    campaigns = cascade(campaign)
    scope = jurisdiction_q(user, "organisation__path")
    if scope is None:
        scope = Q(pk__in=[])
    top = default_node(user, campaign)
    node = node or top
    if node is not None:
        scope &= Q(organisation__path__startswith=node.path)
    schedules = schedules_for(campaigns)
    rows = expected_rows(campaigns, scope=scope, today=today, schedules=schedules)
    _attach_reminder_counts(rows, [c.pk for c in campaigns])
    kinds = [
        KindColumn(
            kind=d.kind.value,
            label=d.label,
            dues=tuple(sorted({due for c in campaigns if (due := d.due(c, schedules.get(c.pk)))})),
        )
        for d in DELIVERABLES
    ]
    groups, counts = _roll_up(rows, node, jurisdiction_paths(user), kinds)
    totals = _tallies(counts, kinds)
    return Completeness(
        campaign=campaign,
        today=today,
        kinds=kinds,
        node=node,
        breadcrumbs=_breadcrumbs(node, top),
        rows=rows,
        groups=groups,
        totals=totals,
    )


def _tallies(counts: Counter[tuple[str, str]], kinds: list[KindColumn]) -> dict[str, Tally]:
    return {
        k.kind: Tally(
            expected=sum(n for (kind, _s), n in counts.items() if kind == k.kind),
            on_time=counts[(k.kind, Status.ON_TIME)],
            late=counts[(k.kind, Status.LATE)],
            missing=counts[(k.kind, Status.MISSING)],
            overdue=counts[(k.kind, Status.OVERDUE)],
        )
        for k in kinds
    }


def _roll_up(
    rows: list[Row], node: Organisation | None, roots: list[str], kinds: list[KindColumn]
) -> tuple[list[Group], Counter[tuple[str, str]]]:
    """One group per organisation directly below the node (and the node itself), counted in
    one pass: a province has thousands of rows, and this runs on every page view. With the
    counts of all groups together, for the totals."""
    node_path = node.path if node else ""
    counts: dict[int, Counter[tuple[str, str]]] = {}
    sizes: Counter[int] = Counter()
    deeper: Counter[int] = Counter()
    for row in rows:
        gid = _group_id(row, node_path, roots)
        tally = counts.get(gid)
        if tally is None:
            tally = counts[gid] = Counter()
        sizes[gid] += 1
        for kind, cell in row.cells.items():
            tally[(kind, cell.status)] += 1
        if not row.path.endswith(f"/{gid}/"):
            deeper[gid] += 1  # a row below the group's own organisation: worth drilling into
    org_ids = {gid: (node.pk if (gid == 0 and node) else gid) for gid in counts}
    names = {
        pk: (name, order)
        for pk, name, order in Organisation.objects.filter(
            pk__in=list(org_ids.values())
        ).values_list("pk", "name", "sort_path")
    }
    groups = [
        Group(
            organisation_id=org_ids[gid],
            name=names.get(org_ids[gid], ("", ""))[0],
            is_node=gid == 0,
            rows=sizes[gid],
            order=names.get(org_ids[gid], ("", ""))[1],
            drillable=gid != 0 and deeper[gid] > 0,
            tallies=_tallies(tally, kinds),
        )
        for gid, tally in counts.items()
    ]
    total: Counter[tuple[str, str]] = Counter()
    for tally in counts.values():
        total.update(tally)
    return sorted(groups, key=lambda g: (not g.is_node, g.order, g.organisation_id)), total


def _breadcrumbs(node: Organisation | None, top: Organisation | None) -> list[tuple[int, str]]:
    """From the top of the user's view down to the node, for the way back up."""
    if node is None or top is None or node.pk == top.pk or not node.path.startswith(top.path):
        return []
    ids = [int(p) for p in node.path[len(top.path) :].strip("/").split("/") if p]
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(top.pk, top.name)] + [(i, names.get(i, "")) for i in ids[:-1]]


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """``name`` (the order people expect: areas by code, then departments, each followed by
    its units) or a kind: the worst status first, then the oldest due."""
    kind, _sep, direction = sort.partition(":")
    if kind in {d.kind.value for d in DELIVERABLES}:
        far = date.max
        ordered = sorted(
            rows,
            key=lambda r: (
                STATUS_ORDER[r.cells[kind].status],
                r.cells[kind].due or far,
                r.order,
            ),
        )
    elif kind == "reminders":
        ordered = sorted(rows, key=lambda r: (-r.reminders, r.order))
    else:
        ordered = sorted(rows, key=lambda r: r.order)
    return list(reversed(ordered)) if direction == "desc" else ordered


def filter_rows(rows: list[Row], *, kind: str = "", status: str = "", q: str = "") -> list[Row]:
    if kind and status and kind in {d.kind.value for d in DELIVERABLES}:
        rows = [r for r in rows if r.cells[kind].status == status]
    elif status:
        rows = [r for r in rows if any(c.status == status for c in r.cells.values())]
    if q:
        rows = [r for r in rows if q in r.name]
    return rows
