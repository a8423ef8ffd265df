"""The completeness page at national scale: the totals and levels from the kept counts, and the
list of recipients filtered, sorted and cut into pages by the database.

Reading every recipient of a national cascade (some 48,000) to count them and show fifty took
over a second. Here the totals and the level-by-level table come from ``DeliveryCount`` (the
node's and its children's rows: a few hundred whatever the size of the tree), and the list is
one page of a query that works out each deliverable's status in SQL exactly as ``status_of``
does in Python (a test compares them). The export still reads every recipient
(``selectors.completeness``), and so does the page where the counts do not apply: a node
outside the campaign's issuer's subtree, or a person whose view has several roots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any, overload

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.completeness.deliverables import (
    DELIVERABLES,
    STATUS_ORDER,
    Status,
    local_date,
    status_of,
)
from zhucan.completeness.models import NO_DAY, DeliveryCount, ReminderSchedule, ReminderSent
from zhucan.completeness.selectors import (
    Cell,
    Completeness,
    Group,
    KindColumn,
    Row,
    _breadcrumbs,
    _tallies,
    completeness,
    default_node,
)
from zhucan.orgs.models import Organisation, jurisdiction_q

KINDS = [d.kind.value for d in DELIVERABLES]


def cascade_ids(campaign: Campaign) -> RawSQL:
    """The ids of the campaign and every campaign cascaded from it (drafts left out, as in
    ``campaigns.selectors.cascade``), as a subquery the database walks."""
    table = Campaign._meta.db_table
    return RawSQL(  # noqa: S611 - the table name from the model, the id a parameter
        f"""WITH RECURSIVE tree(id) AS (
                SELECT id FROM {table} WHERE id = %s
                UNION ALL
                SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id
                WHERE c.status <> 'draft'
            ) SELECT id FROM tree""",  # noqa: S608 - the table name from the model
        [campaign.pk],
    )


def _kind_columns(campaign: Campaign) -> list[KindColumn]:
    """Each kind with the due days set across the cascade: one query for the few distinct
    combinations of deadlines."""
    combos = (
        Campaign.objects.filter(pk__in=cascade_ids(campaign))
        .values_list("plans_due", "reports_due", "summary_due", "reminder_schedule__receipts_due")
        .order_by()
        .distinct()
    )
    pairs = [
        (Campaign(plans_due=p, reports_due=r, summary_due=s), ReminderSchedule(receipts_due=rd))
        for p, r, s, rd in combos
    ]
    return [
        KindColumn(
            kind=d.kind.value,
            label=d.label,
            dues=tuple(sorted({due for c, sch in pairs if (due := d.due(c, sch))})),
        )
        for d in DELIVERABLES
    ]


def counts_apply(campaign: Campaign, node: Organisation | None) -> bool:
    """The kept counts hold the node's figures when the node lies in the issuer's subtree (no
    count goes above the issuer); the person sees all of it, as a node they may open."""
    return node is not None and node.path.startswith(campaign.issuing_org.path)


def overview(user: Any, campaign: Campaign, *, node: Organisation | None = None) -> Completeness:
    """As ``selectors.completeness``, without the rows (``recipients`` says how many there
    are): the totals and levels from the kept counts, in a fixed number of queries."""
    top = default_node(user, campaign)
    node = node or top
    if node is None or not counts_apply(campaign, node):
        return completeness(user, campaign, node=node)
    today = timezone.localdate()
    # The node with its children: its name and order as stored now, like the groups'.
    children = {
        pk: (name, order)
        for pk, name, order in Organisation.objects.filter(
            Q(parent=node) | Q(pk=node.pk)
        ).values_list("pk", "name", "sort_path")
    }
    node_name, node_order = children.pop(node.pk)
    tallies: dict[int, Counter[tuple[str, str]]] = {}
    statuses: dict[tuple[date, date], Status] = {}
    for org_id, kind, due, day, n in DeliveryCount.objects.filter(
        campaign=campaign, organisation_id__in=[node.pk, *children]
    ).values_list("organisation_id", "kind", "due", "delivered_on", "count"):
        status = statuses.get((due, day))
        if status is None:
            status = statuses[(due, day)] = status_of(
                None if day == NO_DAY else day, None if due == NO_DAY else due, today
            )
        tallies.setdefault(org_id, Counter())[(kind, status)] += n
    total = tallies.get(node.pk, Counter())
    own = Counter(total)
    for pk in children:
        own.subtract(tallies.get(pk, Counter()))
    kinds = _kind_columns(campaign)
    receipt = KINDS[0]

    def rows_of(tally: Counter[tuple[str, str]]) -> int:
        return sum(n for (kind, _s), n in tally.items() if kind == receipt)

    # A child's own receipts, to tell whether anything lies below it worth drilling into.
    themselves = dict(
        Receipt.objects.filter(
            organisation_id__in=[pk for pk in children if rows_of(tallies.get(pk, Counter()))],
            campaign_id__in=cascade_ids(campaign),
        )
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
        .order_by()
    )
    groups = []
    if rows_of(own):
        groups.append(
            Group(node.pk, node_name, True, rows_of(own), node_order, False, _tallies(own, kinds))
        )
    for pk, (name, order) in children.items():
        tally = tallies.get(pk, Counter())
        size = rows_of(tally)
        if size:
            drillable = size > themselves.get(pk, 0)
            groups.append(Group(pk, name, False, size, order, drillable, _tallies(tally, kinds)))
    groups.sort(key=lambda g: (not g.is_node, g.order, g.organisation_id))
    return Completeness(
        campaign=campaign,
        today=today,
        kinds=kinds,
        node=node,
        breadcrumbs=_breadcrumbs(node, top),
        rows=[],
        groups=groups,
        totals=_tallies(total, kinds),
        recipients=rows_of(total),
    )


def _dues() -> dict[str, Any]:
    """Each kind's due day in SQL, as the deliverables' ``due`` gives it in Python."""
    p, r, s = "campaign__plans_due", "campaign__reports_due", "campaign__summary_due"
    first_other = Least(Coalesce(p, r, s), Coalesce(r, s, p), Coalesce(s, p, r))
    return {
        "receipt": Coalesce("campaign__reminder_schedule__receipts_due", first_other),
        "plan": F(p),
        "report": F(r),
    }


RANK = {status: Value(n) for status, n in STATUS_ORDER.items()}


def _status(n: int, today: date, values: dict[Status, Any]) -> Case:
    delivered, due = f"on_{n}", f"due_{n}"
    return Case(
        When(
            Q(**{f"{delivered}__isnull": False})
            & (Q(**{f"{due}__isnull": True}) | Q(**{f"{delivered}__lte": F(due)})),
            then=values[Status.ON_TIME],
        ),
        When(Q(**{f"{delivered}__isnull": False}), then=values[Status.LATE]),
        When(Q(**{f"{due}__lt": today}), then=values[Status.OVERDUE]),
        default=values[Status.MISSING],
    )


def recipients(
    user: Any,
    campaign: Campaign,
    node: Organisation,
    *,
    kind: str = "",
    status: str = "",
    q: str = "",
    sort: str = "name",
) -> QuerySet[Receipt]:
    """The node's recipients in the campaign's cascade, filtered and sorted as ``filter_rows``
    and ``sort_rows`` do, for ``Listing`` to cut pages of."""
    today = timezone.localdate()
    scope = jurisdiction_q(user, "organisation__path")
    found = Receipt.objects.filter(
        scope if scope is not None else Q(pk__in=[]),
        campaign_id__in=cascade_ids(campaign),
        organisation__path__startswith=node.path,
    )
    key, _sep, direction = sort.partition(":")
    if status or key in KINDS:
        # Only then: the days, deadlines and statuses of every recipient cost a join and a
        # computation each; a page in the usual order needs them for its fifty rows only.
        found = _with_days(found)
        texts = {s: Value(s.value) for s in Status}
        found = found.annotate(
            **{f"status_{n}": _status(n, today, texts) for n in range(len(DELIVERABLES))}
        )
    if kind and status and kind in KINDS:
        found = found.filter(**{f"status_{KINDS.index(kind)}": status})
    elif status:
        anyone = Q()
        for n in range(len(DELIVERABLES)):
            anyone |= Q(**{f"status_{n}": status})
        found = found.filter(anyone)
    if q:
        found = found.filter(organisation__name__contains=q)
    desc = direction == "desc"
    if key in KINDS:
        n = KINDS.index(key)
        found = found.annotate(**{f"rank_{n}": _status(n, today, RANK)})
        rank, due = F(f"rank_{n}"), F(f"due_{n}")
        order = [
            rank.desc() if desc else rank.asc(),
            due.desc(nulls_first=True) if desc else due.asc(nulls_last=True),
        ]
    elif key == "reminders":
        sent = (
            ReminderSent.objects.filter(
                campaign_id=OuterRef("campaign_id"), organisation_id=OuterRef("organisation_id")
            )
            .order_by()
            .values("campaign_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        found = found.annotate(reminders=Coalesce(sent, Value(0), output_field=IntegerField()))
        order = [F("reminders").asc() if desc else F("reminders").desc()]
    else:
        order = []
    tail = ["organisation__sort_path", "campaign_id", "organisation_id"]
    order += [F(f).desc() if desc else F(f).asc() for f in tail]
    return found.order_by(*order)


def _with_days(found: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """Each kind's day of delivery (``on_N``) and due day (``due_N``), N in DELIVERABLES' order."""
    dues = _dues()
    annotations: dict[str, Any] = {}
    for n, d in enumerate(DELIVERABLES):
        annotations[f"on_{n}"] = local_date(d.field)
        annotations[f"due_{n}"] = dues[d.kind.value]
    return found.annotate(**annotations)


class Listing(Sequence[Row]):
    """``recipients`` for a paginator: it counts them (or takes the count it was given, from
    the kept counts) and turns the page it cuts into rows, reading days and deadlines for
    that page's recipients only."""

    def __init__(self, found: QuerySet[Receipt], *, count: int | None = None) -> None:
        self.found = found
        self.known = count

    def count(self, value: object = None) -> int:
        """How many there are: what Paginator asks (with no argument), not Sequence.count."""
        if self.known is None:
            self.known = self.found.count()
        return self.known

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, cut: int) -> Row: ...

    @overload
    def __getitem__(self, cut: slice) -> list[Row]: ...

    def __getitem__(self, cut: int | slice) -> Row | list[Row]:
        if isinstance(cut, int):
            return self[cut : cut + 1][0]
        ids = list(self.found.values_list("pk", flat=True)[cut])
        values = {
            pk: rest
            for pk, *rest in _with_days(Receipt.objects.filter(pk__in=ids)).values_list(
                "pk", *ROW_FIELDS
            )
        }
        return as_rows([tuple(values[pk]) for pk in ids if pk in values])


ROW_FIELDS = (
    "campaign_id",
    "organisation_id",
    "organisation__name",
    "organisation__path",
    "organisation__sort_path",
    "campaign__issuing_org__short_name",
    "campaign__issuing_org__name",
    *(f"on_{n}" for n in range(len(DELIVERABLES))),
    *(f"due_{n}" for n in range(len(DELIVERABLES))),
)


def as_rows(found: list[tuple[Any, ...]]) -> list[Row]:
    """Recipients (``ROW_FIELDS``) as the rows the template shows, with their reminders."""
    today = timezone.localdate()
    width = len(DELIVERABLES)
    rows = []
    for campaign_id, org_id, name, path, order, short, issuer, *rest in found:
        on, due = rest[:width], rest[width:]
        cells = {
            kind: Cell(status_of(on[n], due[n], today), due[n], on[n])
            for n, kind in enumerate(KINDS)
        }
        rows.append(Row(campaign_id, org_id, name, path, short or issuer, cells, 0, order))
    if rows:
        sent = (
            ReminderSent.objects.filter(
                campaign_id__in={r.campaign_id for r in rows},
                organisation_id__in={r.organisation_id for r in rows},
            )
            .values("campaign_id", "organisation_id")
            .annotate(n=Count("id"))
            .values_list("campaign_id", "organisation_id", "n")
            .order_by()
        )
        counts = {(c, o): n for c, o, n in sent}
        for row in rows:
            row.reminders = counts.get((row.campaign_id, row.organisation_id), 0)
    return rows
