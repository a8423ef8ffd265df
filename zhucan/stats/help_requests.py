"""The help requests (求助) of a part of the tree over a period: how many came in, how many were
answered and on time, what is still open or overdue, by kind and by the organisation directly
below, and the median time to answer. Read by the dashboards, their Excel and the summary.

Three queries at most whatever the number of requests: on the ``org_path`` prefix, one grouped
count by the child a request lies under and its kind (every other figure is a sum of those
cells) and one that asks the database for the middle answer times only (sorted there, at most
two rows back, the same SQL on PostgreSQL and on SQLite); and the names of the children that
have any. Requests set aside as spam
never count. A request counts in the period it was received in (local days, both ends in).

A national or provincial node's subtree may hold hundreds of thousands of requests, which no
page should count at every view: ``cached_help_figures`` keeps the figures for a few minutes,
and the page says when they were counted.

Callers check visibility first: the node through the ``access`` getters, as the other
selectors; ``scope`` narrows further where a jurisdiction may cover only part of the subtree
(the summary's).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from zhucan.helprequests.models import HelpRequest
from zhucan.orgs.models import Organisation
from zhucan.stats.selectors import _key, _segment

# How long the dashboards keep a node's figures: a request answered just now shows within this.
CACHE_SECONDS = 5 * 60
OPEN = Q(status__in=[s for s in HelpRequest.Status if s not in HelpRequest.FINISHED])
ANSWERED = Q(status=HelpRequest.Status.ANSWERED)


@dataclass
class HelpCounts:
    received: int = 0
    answered: int = 0
    # Answered on or before the day it was due (the local day of the answer).
    answered_on_time: int = 0
    acknowledged_on_time: int = 0
    open: int = 0
    # Still open after the day the answer was due.
    overdue: int = 0

    def add(self, other: HelpCounts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def on_time_rate(self) -> int | None:
        """Percentage of the answered requests answered on time; None when none is answered."""
        if not self.answered:
            return None
        return round(100 * self.answered_on_time / self.answered)


COUNT_NAMES = tuple(f.name for f in fields(HelpCounts))


@dataclass
class HelpLine:
    """An organisation directly below the node with everything under it, the node's own
    requests (``is_node``), or a kind of help (``kind``)."""

    name: str
    counts: HelpCounts = field(default_factory=HelpCounts)
    organisation_id: int | None = None
    short_name: str = ""
    is_node: bool = False
    kind: str = ""


@dataclass
class HelpFigures:
    node: Organisation
    date_from: date
    date_to: date
    total: HelpCounts
    organisations: list[HelpLine]  # the node's own first, then the children in tree order
    kinds: list[HelpLine]  # the kinds with any request, in the form's order
    median_to_answer: timedelta | None  # None when nothing was answered
    counted_at: datetime = field(default_factory=timezone.now)

    @property
    def median_days(self) -> float | None:
        if self.median_to_answer is None:
            return None
        return round(self.median_to_answer / timedelta(days=1), 1)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The period's local days as a half-open range of instants (the index on received_at is
    usable, and no day is cut at midnight UTC)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    return start, end


def counted_requests(
    node: Organisation, date_from: date, date_to: date, scope: Q | None = None
) -> QuerySet[HelpRequest]:
    """The requests that count: under ``node`` (and in ``scope``), received in the period, not
    spam."""
    start, end = _bounds(date_from, date_to)
    requests = HelpRequest.objects.filter(
        org_path__startswith=node.path, received_at__gte=start, received_at__lt=end
    ).exclude(status=HelpRequest.Status.SPAM)
    if scope is not None:
        requests = requests.filter(scope)
    return requests


def help_figures(
    node: Organisation,
    *,
    date_from: date,
    date_to: date,
    scope: Q | None = None,
    today: date | None = None,
) -> HelpFigures:
    """Every figure of the help-requests section for ``node``'s subtree over the period."""
    today = today or timezone.localdate()
    requests = counted_requests(node, date_from, date_to, scope)
    rows = (
        requests.annotate(seg=_segment("org_path", node.path))
        .values("seg", "kind")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=ANSWERED),
            answered_on_time=Count(
                "pk", filter=ANSWERED & Q(answered_at__date__lte=F("answer_due"))
            ),
            acknowledged_on_time=Count(
                "pk", filter=Q(acknowledged_at__date__lte=F("acknowledge_due"))
            ),
            open=Count("pk", filter=OPEN),
            overdue=Count("pk", filter=OPEN & Q(answer_due__lt=today)),
        )
        .order_by()
    )
    total = HelpCounts()
    by_org: dict[int, HelpCounts] = {}
    by_kind: dict[str, HelpCounts] = {}
    for row in rows:
        counts = HelpCounts(**{name: row[name] for name in COUNT_NAMES})
        total.add(counts)
        by_org.setdefault(_key(row["seg"]), HelpCounts()).add(counts)
        by_kind.setdefault(row["kind"], HelpCounts()).add(counts)
    return HelpFigures(
        node=node,
        date_from=date_from,
        date_to=date_to,
        total=total,
        organisations=_organisation_lines(node, by_org),
        kinds=[
            HelpLine(name=str(label), counts=by_kind[kind], kind=kind)
            for kind, label in HelpRequest.Kind.choices
            if kind in by_kind
        ],
        median_to_answer=median_to_answer(requests, total.answered),
    )


def cached_help_figures(node: Organisation, *, date_from: date, date_to: date) -> HelpFigures:
    """``help_figures`` of the node's whole subtree, kept ``CACHE_SECONDS``: the figures are
    the same for everyone who may see the node (its subtree is theirs), and whether an answer
    was on time does not change once given, so the wait is only for what happened since."""
    key = f"stats:help:{node.pk}:{node.path}:{date_from.isoformat()}:{date_to.isoformat()}"
    found = cache.get(key)
    if isinstance(found, HelpFigures):
        return found
    figures = help_figures(node, date_from=date_from, date_to=date_to)
    cache.set(key, figures, CACHE_SECONDS)
    return figures


def _organisation_lines(node: Organisation, by_org: dict[int, HelpCounts]) -> list[HelpLine]:
    lines = []
    if 0 in by_org:
        lines.append(HelpLine(node.name, by_org[0], node.pk, node.short_name, is_node=True))
    if set(by_org) - {0}:
        children = Organisation.objects.filter(parent=node, pk__in=list(by_org)).in_order()
        for pk, name, short in children.values_list("pk", "name", "short_name"):
            lines.append(HelpLine(name, by_org[pk], pk, short))
    return lines


def median_to_answer(requests: QuerySet[HelpRequest], answered: int) -> timedelta | None:
    """The median time from receipt to answer of the answered requests among ``requests``
    (``answered`` of them): the database sorts the durations and sends back the middle one, or
    the middle two whose mean it is. No percentile function, so SQLite reads it the same."""
    if not answered:
        return None
    took = (
        requests.filter(ANSWERED)
        .annotate(took=ExpressionWrapper(F("answered_at") - F("received_at"), DurationField()))
        .order_by("took", "pk")
        .values_list("took", flat=True)
    )
    middle = list(took[(answered - 1) // 2 : answered // 2 + 1])
    if not middle:
        return None  # answered since the count was read: the next page will say
    return sum(middle, timedelta()) / len(middle)
