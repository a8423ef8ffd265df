"""Reads that are more than a filter: the notice as a document, the receipt table, the matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhucan.campaigns.access import assignments_visible_to
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.notice_types import Block, Contact, Deadline, Duty, ParsedNotice
from zhucan.core.sql import ids_in
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.ordering import DEPARTMENT_ORDER
from zhucan.orgs.roles import Capability


def notice_document(campaign: Campaign) -> ParsedNotice:
    """The campaign's notice in the structure the 公文 renderer takes."""
    notice = campaign.notice
    return ParsedNotice(
        issuer=notice.issuer,
        header=notice.header,
        doc_number=notice.doc_number,
        issuer_code=notice.issuer_code,
        doc_year=notice.doc_year,
        doc_serial=notice.doc_serial,
        title=notice.title,
        recipients=list(notice.recipients),
        campaign_name=campaign.kind.name,
        campaign_edition=campaign.edition,
        campaign_date=campaign.date,
        theme=campaign.theme,
        duties=[
            Duty(number=d.number, text=d.text, departments=list(d.departments))
            for d in campaign.duties.all()
        ],
        slogans=[s.text for s in campaign.slogans.all()],
        publicity=campaign.publicity,
        contacts=[
            Contact(name=c.name, phone=c.phone or None, email=c.email or None)
            for c in campaign.contacts.all()
        ],
        deadlines=[Deadline(what=d.what, date=d.due) for d in campaign.deadlines.all()],
        issue_date=notice.issue_date,
        signature=notice.signature or notice.issuer,
        copied_to=list(notice.copied_to),
        body=[
            Block(level=b.get("level", 0), text=b.get("text", ""), number=b.get("number"))
            for b in notice.body
        ],
    )


@dataclass
class ReceiptTable:
    rows: list[Receipt]
    signed: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.signed

    @property
    def rate(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 0


def receipt_table(campaign: Campaign) -> ReceiptTable:
    rows = list(
        campaign.receipts.select_related("organisation", "signed_by").order_by(
            "signed_at", "organisation__sort_path"
        )
    )
    return ReceiptTable(rows=rows, signed=sum(1 for r in rows if r.signed_at), total=len(rows))


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
    from zhucan.activities.duties import carried_out_by_duty
    from zhucan.plans.selectors import planned_activities_by_duty

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


@dataclass
class RecipientPreview:
    matched: list[Organisation]
    unmatched: list[str]
    extra: list[Organisation]
    candidates: list[Organisation]


def recipient_preview(campaign: Campaign) -> RecipientPreview:
    """Who a draft will be sent to, what matched nothing, and whom a person may add by hand."""
    from zhucan.campaigns.matching import TreeIndex, match_recipients

    notice = campaign.notice
    index = TreeIndex(campaign.issuing_org)
    match = match_recipients(index, notice.recipients)
    extra = list(notice.extra_recipients.in_order())
    taken = {o.pk for o in match.organisations} | {o.pk for o in extra}
    depth = campaign.issuing_org.depth
    candidates = [
        o
        for o in Organisation.objects.subtree_of(campaign.issuing_org)
        .filter(is_active=True, depth__gt=depth, depth__lte=depth + 2)
        .in_order()
        if o.pk not in taken
    ]
    return RecipientPreview(match.organisations, match.unmatched, extra, candidates)


# A cascade goes province → city → county → township at most; the cap only guards the loop.
MAX_CASCADE_DEPTH = 6
# What the page needs of each cascaded campaign: a province has hundreds of them.
CASCADE_FIELDS = (
    "parent_id",
    "status",
    "year",
    "plans_due",
    "reports_due",
    "summary_due",
    "issuing_org__name",
    "issuing_org__short_name",
    "issuing_org__path",
)


def cascade(campaign: Campaign) -> list[Campaign]:
    """The campaign and every campaign cascaded from it, level by level."""
    found = [campaign]
    level = [campaign.pk]
    for _depth in range(MAX_CASCADE_DEPTH):
        children = list(
            Campaign.objects.filter(parent_id__in=ids_in(level))
            .exclude(status=Campaign.Status.DRAFT)
            .select_related("issuing_org")
            .only(*CASCADE_FIELDS)
        )
        if not children:
            break
        found.extend(children)
        level = [c.pk for c in children]
    return found


def committees_that_can_cascade(user: object, campaign: Campaign) -> list[Organisation]:
    """The receiving committees where this person may start a child campaign."""
    taken = set(campaign.children.values_list("issuing_org_id", flat=True))
    receipts = campaign.receipts.filter(organisation__kind=Organisation.Kind.COMMITTEE)
    return [
        r.organisation
        for r in receipts.select_related("organisation")
        if r.organisation_id not in taken
        and has_capability(user, Capability.COORDINATE, r.organisation)
    ]
