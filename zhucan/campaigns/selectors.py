"""Reads that are more than a filter: the notice as a document, the receipt table, recipients.

The duty matrix, which also shows plans and reports, is ``activities.duty_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.notice_types import Block, Contact, Deadline, Duty, ParsedNotice
from zhucan.core.sql import ids_in
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
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
