"""Live totals of accepted reports for a campaign and its cascade, rolled up the tree.

Read straight from the reports in a few grouped queries, so an accepted, returned or corrected
report shows at once. (The national-scale statistics with incremental roll-ups come with the
statistics issue; this is the reporters' and offices' own view of their figures.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from zhucan.activities.models import ActivityReport, Indicator, IndicatorValue
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.selectors import cascade
from zhucan.orgs.models import Organisation, jurisdiction_q

ZERO = Decimal(0)


@dataclass
class Line:
    """One organisation directly below the node (with all under it), or the node itself."""

    organisation_id: int
    name: str = ""
    is_node: bool = False
    drillable: bool = False
    reports: int = 0
    disabled_served: int = 0
    # How many of the reports gave the figure: one left empty is unknown, not zero.
    served_given: int = 0
    cash: Decimal = ZERO
    goods_value: Decimal = ZERO
    values: dict[int, Decimal] = field(default_factory=dict)

    def add(self, other: Line) -> None:
        self.reports += other.reports
        self.disabled_served += other.disabled_served
        self.served_given += other.served_given
        self.cash += other.cash
        self.goods_value += other.goods_value
        for pk, value in other.values.items():
            self.values[pk] = self.values.get(pk, ZERO) + value


@dataclass
class Totals:
    campaign: Campaign
    node: Organisation | None
    indicators: list[Indicator]  # those with a value somewhere in view
    lines: list[Line]
    total: Line

    def cells(self, line: Line) -> list[Decimal | None]:
        return [line.values.get(i.pk) for i in self.indicators]


def _group(path: str, node_path: str) -> int:
    rest = path[len(node_path) :].strip("/")
    return int(rest.split("/")[0]) if rest else 0


def indicator_totals(user: Any, campaign: Campaign, *, node: Organisation) -> Totals:
    """Accepted reports under ``node`` that the user may see, grouped by the organisations
    directly below it. Four queries whatever the number of reports."""
    scope = jurisdiction_q(user, "organisation__path")
    reports = ActivityReport.objects.filter(
        campaign__in=[c.pk for c in cascade(campaign)],
        status=ActivityReport.Status.ACCEPTED,
        organisation__path__startswith=node.path,
    )
    reports = reports.filter(scope) if scope is not None else reports.none()
    lines: dict[int, Line] = {}
    deeper: set[int] = set()

    def line_for(path: str) -> Line:
        gid = _group(path, node.path)
        if not path.endswith(f"/{gid}/"):
            deeper.add(gid)
        return lines.setdefault(gid, Line(organisation_id=gid or node.pk, is_node=gid == 0))

    per_org = reports.values("organisation__path").annotate(
        n=Count("pk"),
        given=Count("disabled_served"),
        served=Sum("disabled_served"),
        cash=Sum("cash"),
        goods=Sum("goods_value"),
    )
    for row in per_org:
        line_for(row["organisation__path"]).add(
            Line(
                organisation_id=0,
                reports=row["n"],
                disabled_served=row["served"] or 0,
                served_given=row["given"],
                cash=row["cash"] or ZERO,
                goods_value=row["goods"] or ZERO,
            )
        )
    values = (
        IndicatorValue.objects.filter(report__in=reports)
        .values("indicator_id", "report__organisation__path")
        .annotate(total=Sum("value"))
    )
    used: set[int] = set()
    for row in values:
        line = line_for(row["report__organisation__path"])
        pk = row["indicator_id"]
        used.add(pk)
        line.values[pk] = line.values.get(pk, ZERO) + (row["total"] or ZERO)
    names = dict(
        Organisation.objects.filter(
            pk__in=[line.organisation_id for line in lines.values()]
        ).values_list("pk", "name")
    )
    total = Line(organisation_id=node.pk, name=node.name)
    for gid, line in lines.items():
        line.name = names.get(line.organisation_id, "")
        line.drillable = gid != 0 and gid in deeper
        total.add(line)
    # Those given somewhere in view: a cascaded campaign may ask for more than this one.
    indicators = list(Indicator.objects.filter(pk__in=used))
    ordered = sorted(lines.values(), key=lambda line: (not line.is_node, line.name))
    return Totals(campaign, node, indicators, ordered, total)
