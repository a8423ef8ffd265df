"""The duty matrix (任务分工): each organisation's duties, what it planned for them and what its
accepted reports carried out, with roll-ups by county and by department.

It lives here, above campaigns and plans, because it reads all three: the assignments of
``campaigns``, the planned activities of ``plans`` and the accepted reports of this app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhucan.activities.duties import carried_out_by_duty
from zhucan.campaigns.access import assignments_visible_to
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.orgs.ordering import DEPARTMENT_ORDER
from zhucan.plans.selectors import planned_activities_by_duty


@dataclass
class MatrixRow:
    organisation: Organisation
    cells: list[str | None]  # per duty: None (not assigned), "assigned", "acknowledged"
    # per duty: the planned activities (from submitted plans) that serve it
    planned: list[list[Any]] = field(default_factory=list)
    # per duty: the accepted activity reports that carried it out
    carried_out: list[list[Any]] = field(default_factory=list)

    @property
    def cells_with_plans(self) -> list[tuple[str | None, list[Any], list[Any]]]:
        empty: list[list[Any]] = [[] for _ in self.cells]
        return list(zip(self.cells, self.planned or empty, self.carried_out or empty, strict=True))


@dataclass
class DutyMatrix:
    duties: list[Any]
    rows: list[MatrixRow] = field(default_factory=list)
    # Rolled up: (label, number of organisations, assigned cells, acknowledged cells)
    by_county: list[tuple[str, int, int, int]] = field(default_factory=list)
    by_department: list[tuple[str, int, int, int]] = field(default_factory=list)


def add_planned_activities(
    user: Any, campaign: Campaign, duties: list[Any], rows: dict[int, MatrixRow]
) -> None:
    """Fill each cell's planned activities and accepted reports; an organisation that planned
    or reported for a duty it was not given still gets its row, so nothing goes unseen. Two
    queries (three when such an organisation has no row yet)."""
    planned = planned_activities_by_duty(campaign, user=user)
    for (_duty_id, _org_id), activities in planned.items():
        org = activities[0].plan.organisation
        rows.setdefault(org.pk, MatrixRow(org, [None] * len(duties)))
    done = carried_out_by_duty(campaign, user=user)
    missing_rows = {org_id for _duty, org_id in done} - set(rows)
    if missing_rows:
        for org in Organisation.objects.filter(pk__in=missing_rows):
            rows.setdefault(org.pk, MatrixRow(org, [None] * len(duties)))
    for row in rows.values():
        row.planned = [planned.get((d.pk, row.organisation.pk), []) for d in duties]
        row.carried_out = [done.get((d.pk, row.organisation.pk), []) for d in duties]


def duty_matrix(user: Any, campaign: Campaign) -> DutyMatrix:
    """Duties by organisation, with roll-ups by county and by department. Three queries."""
    duties = list(campaign.duties.all())
    column = {d.pk: i for i, d in enumerate(duties)}
    rows: dict[int, MatrixRow] = {}
    assignments = (
        assignments_visible_to(user, campaign)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__sort_path")
    )
    for a in assignments:
        row = rows.setdefault(a.organisation_id, MatrixRow(a.organisation, [None] * len(duties)))
        row.cells[column[a.duty_id]] = a.status
    add_planned_activities(user, campaign, duties, rows)
    # Rows found only through their planned or reported activities come last from the queries.
    ordered = sorted(rows.values(), key=lambda r: (r.organisation.sort_path, r.organisation.pk))
    matrix = DutyMatrix(duties=duties, rows=ordered)
    issuer_depth = campaign.issuing_org.depth
    county: dict[str, list[int]] = {}
    department: dict[str, list[int]] = {}
    department_place: dict[str, int] = {}
    for row in matrix.rows:
        org = row.organisation
        # The county a row belongs to: itself if it sits right under the issuer, else its parent.
        county_name = (
            org.name if org.depth == issuer_depth + 1 or org.parent is None else org.parent.name
        )
        if org.depth == issuer_depth + 1 and org.kind != Organisation.Kind.COMMITTEE:
            county_name = campaign.issuing_org.name
        assigned = sum(1 for c in row.cells if c)
        acknowledged = sum(1 for c in row.cells if c == "acknowledged")
        for bucket, key in (
            (county, county_name),
            (department, org.get_department_display() or org.get_kind_display()),
        ):
            totals = bucket.setdefault(str(key), [0, 0, 0])
            totals[0] += 1
            totals[1] += assigned
            totals[2] += acknowledged
        department_place.setdefault(
            str(org.get_department_display() or org.get_kind_display()),
            DEPARTMENT_ORDER.get(org.department, len(DEPARTMENT_ORDER)),
        )
    matrix.by_county = [(k, *v) for k, v in county.items()]  # type: ignore[misc]
    # Departments in the notices' order (orgs.ordering), not by their translated names.
    matrix.by_department = [
        (k, v[0], v[1], v[2])
        for k, v in sorted(department.items(), key=lambda kv: (department_place[kv[0]], kv[0]))
    ]
    return matrix
