"""Publishing a notice: receipts for every recipient and the duty matrix, once."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.matching import TreeIndex, match_duty, match_recipients
from zhucan.campaigns.models import (
    Campaign,
    DutyAssignment,
    Receipt,
)
from zhucan.campaigns.services.common import require
from zhucan.campaigns.services.deadlines import set_deadlines
from zhucan.campaigns.signals import campaign_published, receipts_due_chosen, receipts_sent
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.roles import Capability


@transaction.atomic
def publish_campaign(*, by: Actor, campaign: Campaign, at: datetime | None = None) -> Campaign:
    """Send the notice to every recipient and set up the duty matrix. A second call does nothing.

    ``at`` records a publication that happened before it was entered (a paper notice sent out
    before the office used Zhucan), so that signings recorded with their own earlier day fall
    after it; it cannot be in the future. Left out, the publication is now."""
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign.pk)
    )
    require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status != Campaign.Status.DRAFT:
        return locked  # idempotent: a double click or a resend publishes once
    notice = locked.notice
    index = TreeIndex(locked.issuing_org)
    recipients = match_recipients(index, notice.recipients)
    recipients.add(list(notice.extra_recipients.all()))
    if not recipients.organisations:
        raise DomainError(
            _(
                "None of the recipients could be matched to an organisation. "
                "Correct the recipients before publishing."
            ),
            field="recipients",
        )
    now = timezone.now()
    if at is not None:
        if at > now:
            raise DomainError(_("A publication cannot be recorded in the future."))
        now = at
    Receipt.objects.bulk_create(
        Receipt(campaign=locked, organisation=org, sent_at=now) for org in recipients.organisations
    )
    receipts_sent.send(
        sender=Campaign,
        campaign_id=locked.pk,
        org_paths=[org.path for org in recipients.organisations],
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
    # Who reacts to a publication (the reminder sweep) is not this app's business.
    transaction.on_commit(
        lambda: campaign_published.send(sender=Campaign, campaign_id=locked.pk), robust=True
    )
    audit.record(
        by=by,
        action="campaigns.campaign.published",
        target=locked,
        changes={
            "receipts": len(recipients.organisations),
            "duty_assignments": len(assignments),
            "unmatched": notice.unmatched_recipients,
        }
        | ({"published_at": at.isoformat()} if at else {}),
    )
    return locked


@transaction.atomic
def publish_with_deadlines(
    *,
    by: Actor,
    campaign: Campaign,
    version: int,
    plans_due: date,
    reports_due: date,
    summary_due: date | None,
    receipts_due: date | None = None,
) -> Campaign:
    """Set the deadlines and publish, together: a notice sent without them made completeness
    say "no deadline set" and count everything as on time."""
    today = timezone.localdate()
    day = campaign.date
    for field, value in (
        ("receipts_due", receipts_due),
        ("plans_due", plans_due),
        ("reports_due", reports_due),
        ("summary_due", summary_due),
    ):
        if value is not None and value < today:
            raise DomainError(
                _("A deadline cannot be before today (%(today)s), the day the notice is sent.")
                % {"today": today.isoformat()},
                field=field,
            )
    if day is not None and day >= today and reports_due < day:
        raise DomainError(
            _(
                "Reports cannot be due before the day itself (%(day)s): they tell what was "
                "done on it."
            )
            % {"day": day.isoformat()},
            field="reports_due",
        )
    if receipts_due is not None and receipts_due > plans_due:
        raise DomainError(
            _("The notice must be signed for by the day the plans are due, not after."),
            field="receipts_due",
        )
    campaign = set_deadlines(
        by=by,
        campaign=campaign,
        version=version,
        plans_due=plans_due,
        reports_due=reports_due,
        summary_due=summary_due,
    )
    if receipts_due is not None:
        receipts_due_chosen.send(
            sender=Campaign, campaign=campaign, receipts_due=receipts_due, by=by
        )
    return publish_campaign(by=by, campaign=campaign)
