"""Every write to campaigns: import a notice, edit the draft, publish, sign, remind."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.calendar import day_in_year, edition_in_year
from zhucan.campaigns.docnumber import parse_doc_number
from zhucan.campaigns.matching import TreeIndex, match_duty, match_recipients
from zhucan.campaigns.models import (
    Campaign,
    CampaignKind,
    Contact,
    Deadline,
    Duty,
    DutyAssignment,
    Notice,
    Receipt,
    Reminder,
    Slogan,
)
from zhucan.campaigns.notice_types import ParsedNotice
from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability

DEADLINE_KINDS = {
    "活动方案": Deadline.Kind.PLAN,
    "活动开展情况": Deadline.Kind.REPORT,
    "典型活动": Deadline.Kind.TYPICAL,
    "活动总结": Deadline.Kind.SUMMARY,
}


def _require(by: Any, capability: Capability, org: Organisation) -> None:
    if not has_capability(by, capability, org):
        raise DomainError(_("You are not allowed to do this for %(org)s.") % {"org": org.name})


def _kind_for(name: str | None) -> CampaignKind:
    kind = CampaignKind.objects.filter(name=name or "全国助残日").first()
    if kind is None:
        raise DomainError(_("Unknown campaign kind %(name)s.") % {"name": name}, field="kind")
    return kind


def _fill_children(campaign: Campaign, parsed: ParsedNotice) -> None:
    Slogan.objects.bulk_create(
        Slogan(campaign=campaign, number=i, text=text[:100])
        for i, text in enumerate(parsed.slogans, start=1)
    )
    Contact.objects.bulk_create(
        Contact(campaign=campaign, name=c.name, phone=c.phone or "", email=c.email or "")
        for c in parsed.contacts
    )
    Deadline.objects.bulk_create(
        Deadline(
            campaign=campaign,
            what=d.what,
            due=d.date,
            kind=DEADLINE_KINDS.get(d.what, Deadline.Kind.OTHER),
        )
        for d in parsed.deadlines
    )
    Duty.objects.bulk_create(
        Duty(campaign=campaign, number=d.number, text=d.text, departments=d.departments)
        for d in parsed.duties
    )


def _due(parsed: ParsedNotice, kind: str) -> date | None:
    dates = [d.date for d in parsed.deadlines if DEADLINE_KINDS.get(d.what) == kind]
    return min(dates) if dates else None


@transaction.atomic
def import_notice(
    *,
    by: Any,
    issuing_org: Organisation,
    parsed: ParsedNotice,
    source_text: str = "",
    parent: Campaign | None = None,
) -> Campaign:
    """Create a draft campaign from a parsed notice. A person checks it before publishing."""
    _require(by, Capability.COORDINATE, issuing_org)
    if not parsed.title:
        raise DomainError(_("The notice has no title; it cannot be imported."), field="title")
    kind = _kind_for(parsed.campaign_name)
    year = (parsed.campaign_date.year if parsed.campaign_date else None) or parsed.doc_year
    if year is None:
        year = timezone.localdate().year
    if (
        parsed.issuer_code
        and parsed.doc_year
        and parsed.doc_serial
        and Notice.objects.filter(
            issuer_code=parsed.issuer_code, doc_year=parsed.doc_year, doc_serial=parsed.doc_serial
        ).exists()
    ):
        raise DomainError(
            _("A notice numbered %(number)s already exists.") % {"number": parsed.doc_number},
            field="doc_number",
        )
    campaign = Campaign.objects.create(
        kind=kind,
        year=year,
        edition=parsed.campaign_edition or edition_in_year(kind, year),
        date=parsed.campaign_date or day_in_year(kind, year),
        theme=(parsed.theme or (parent.theme if parent else ""))[:100],
        issuing_org=issuing_org,
        parent=parent,
        publicity=parsed.publicity or "",
        plans_due=_due(parsed, Deadline.Kind.PLAN),
        reports_due=_due(parsed, Deadline.Kind.REPORT),
        summary_due=_due(parsed, Deadline.Kind.SUMMARY),
        created_by=by,
    )
    Notice.objects.create(
        campaign=campaign,
        header=parsed.header or "",
        issuer=parsed.issuer or issuing_org.name,
        doc_number=parsed.doc_number or "",
        issuer_code=parsed.issuer_code or "",
        doc_year=parsed.doc_year,
        doc_serial=parsed.doc_serial,
        title=parsed.title[:200],
        recipients=parsed.recipients,
        body=[b.__dict__ for b in parsed.body],
        signature=parsed.signature or "",
        issue_date=parsed.issue_date,
        copied_to=parsed.copied_to,
        source_text=source_text,
        parse_report=[r.__dict__ for r in parsed.reports],
    )
    _fill_children(campaign, parsed)
    audit.record(
        by=by,
        action="campaigns.notice.imported",
        target=campaign,
        changes={
            "doc_number": parsed.doc_number,
            "title": parsed.title,
            "duties": len(parsed.duties),
            "slogans": len(parsed.slogans),
        },
    )
    return campaign


@transaction.atomic
def publish_campaign(*, by: Any, campaign: Campaign) -> Campaign:
    """Send the notice to every recipient and set up the duty matrix. A second call does nothing."""
    locked = Campaign.objects.select_for_update().select_related("issuing_org").get(pk=campaign.pk)
    _require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status != Campaign.Status.DRAFT:
        return locked  # idempotent: a double click or a resend publishes once
    notice = locked.notice
    index = TreeIndex(locked.issuing_org)
    recipients = match_recipients(index, notice.recipients)
    if not recipients.organisations:
        raise DomainError(
            _(
                "None of the recipients could be matched to an organisation. "
                "Correct the recipients before publishing."
            ),
            field="recipients",
        )
    now = timezone.now()
    Receipt.objects.bulk_create(
        Receipt(campaign=locked, organisation=org, sent_at=now) for org in recipients.organisations
    )
    unmatched_duties = []
    assignments = []
    for duty in locked.duties.all():
        matched = match_duty(index, duty.text, duty.departments)
        assignments += [DutyAssignment(duty=duty, organisation=o) for o in matched.organisations]
        unmatched_duties += [f"{duty.number}. {name}" for name in matched.unmatched]
    DutyAssignment.objects.bulk_create(assignments)
    notice.unmatched_recipients = recipients.unmatched + unmatched_duties
    notice.save(update_fields=["unmatched_recipients"])
    locked.status = Campaign.Status.PUBLISHED
    locked.published_at = now
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "version"])
    from zhucan.campaigns.tasks import schedule_receipt_reminder

    transaction.on_commit(lambda: schedule_receipt_reminder(locked.pk))
    audit.record(
        by=by,
        action="campaigns.campaign.published",
        target=locked,
        changes={
            "receipts": len(recipients.organisations),
            "duty_assignments": len(assignments),
            "unmatched": notice.unmatched_recipients,
        },
    )
    return locked


@transaction.atomic
def sign_receipt(*, by: Any, receipt: Receipt) -> Receipt:
    """The recipient acknowledges the notice (签收). Only people of that organisation or above."""
    locked = Receipt.objects.select_for_update().select_related("organisation").get(pk=receipt.pk)
    if not (
        has_capability(by, Capability.REPORT, locked.organisation)
        or has_capability(by, Capability.COORDINATE, locked.organisation)
    ):
        raise DomainError(_("Only the receiving organisation can sign for this notice."))
    if locked.signed_at is not None:
        return locked
    locked.signed_at = timezone.now()
    locked.signed_by = by
    locked.save(update_fields=["signed_at", "signed_by"])
    DutyAssignment.objects.filter(
        duty__campaign_id=locked.campaign_id,
        organisation=locked.organisation,
        status=DutyAssignment.Status.ASSIGNED,
    ).update(status=DutyAssignment.Status.ACKNOWLEDGED, acknowledged_at=locked.signed_at)
    audit.record(by=by, action="campaigns.receipt.signed", target=locked)
    return locked


def _remind(receipt: Receipt, *, key: str, by: Any) -> bool:
    """Record one reminder; False when that reminder was already sent (the key is unique)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(receipt=receipt, key=key, sent_by=by)
    except IntegrityError:
        return False
    Receipt.objects.filter(pk=receipt.pk).update(
        last_reminded_at=timezone.now(), reminder_count=receipt.reminder_count + 1
    )
    from zhucan.campaigns.notifications import notify_receipt_reminder

    transaction.on_commit(lambda: notify_receipt_reminder(receipt.pk))
    return True


@transaction.atomic
def remind_unsigned(*, by: Any, campaign: Campaign) -> int:
    """Remind every recipient that has not signed yet. Returns how many were reminded."""
    _require(by, Capability.COORDINATE, campaign.issuing_org)
    key = f"manual:{timezone.now():%Y%m%d%H%M}"  # one click a minute, however many requests
    sent = sum(
        _remind(receipt, key=key, by=by)
        for receipt in campaign.receipts.filter(signed_at__isnull=True)
    )
    audit.record(
        by=by, action="campaigns.receipts.reminded", target=campaign, changes={"sent": sent}
    )
    return sent


@transaction.atomic
def send_receipt_reminders_for(*, campaign: Campaign) -> int:
    """The automatic reminder before the first deadline: each unsigned recipient, only once."""
    from zhucan.campaigns.tasks import first_deadline

    if campaign.status != Campaign.Status.PUBLISHED:
        return 0
    deadline = first_deadline(campaign)
    key = f"auto:before:{deadline.isoformat() if deadline else 'none'}"
    sent = sum(
        _remind(receipt, key=key, by=None)
        for receipt in campaign.receipts.filter(signed_at__isnull=True)
    )
    if sent:
        audit.record(
            by=None,
            action="campaigns.receipts.auto_reminded",
            target=campaign,
            changes={"sent": sent},
        )
    return sent


@transaction.atomic
def update_notice(
    *,
    by: Any,
    campaign: Campaign,
    version: int,
    title: str,
    doc_number: str,
    recipients: list[str],
    theme: str,
    date: date | None,
    slogans: list[str],
    publicity: str,
    plans_due: date | None,
    reports_due: date | None,
    summary_due: date | None,
    signature: str,
    issue_date: date | None,
) -> Campaign:
    """Correct a draft notice before publishing. ``version`` detects an edit in another tab."""
    locked = Campaign.objects.select_for_update().select_related("issuing_org").get(pk=campaign.pk)
    _require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status != Campaign.Status.DRAFT:
        raise DomainError(_("A published notice cannot be changed."))
    if locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this notice while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    number = parse_doc_number(doc_number) if doc_number.strip() else None
    if doc_number.strip() and number is None:
        raise DomainError(
            _("The document number should look like 平残工委〔2020〕2号."), field="doc_number"
        )
    notice = locked.notice
    changes = audit.diff(
        locked,
        {
            "theme": theme,
            "date": date,
            "publicity": publicity,
            "plans_due": plans_due,
            "reports_due": reports_due,
            "summary_due": summary_due,
        },
    )
    changes |= audit.diff(
        notice,
        {
            "title": title,
            "recipients": recipients,
            "signature": signature,
            "issue_date": issue_date,
            "doc_number": number[0] if number else "",
            "issuer_code": number[1] if number else "",
            "doc_year": number[2] if number else None,
            "doc_serial": number[3] if number else None,
        },
    )
    old_slogans = [s.text for s in locked.slogans.all()]
    if old_slogans != slogans:
        locked.slogans.all().delete()
        Slogan.objects.bulk_create(
            Slogan(campaign=locked, number=i, text=t) for i, t in enumerate(slogans, start=1)
        )
        changes["slogans"] = [old_slogans, slogans]
    if (
        notice.issuer_code
        and Notice.objects.filter(
            issuer_code=notice.issuer_code, doc_year=notice.doc_year, doc_serial=notice.doc_serial
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise DomainError(
            _("A notice numbered %(number)s already exists.") % {"number": notice.doc_number},
            field="doc_number",
        )
    notice.save()
    locked.version += 1
    locked.save()
    if changes:
        audit.record(by=by, action="campaigns.notice.changed", target=locked, changes=changes)
    return locked
