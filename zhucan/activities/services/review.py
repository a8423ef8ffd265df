"""Submitting a report, and the office above returning or accepting it (``REPORT_REVIEW``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.activities.models import ActivityReport
from zhucan.activities.signals import accepted_report_returned, report_accepted
from zhucan.activities.workflow import REPORT_REVIEW
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services.deliveries import record_first_delivery
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError


@transaction.atomic
def submit_report(*, by: Actor, report: ActivityReport, version: int) -> ActivityReport:
    """Send the report up. A second click (or a resend) finds it submitted and does nothing."""
    step = REPORT_REVIEW.begin("submit", report, by=by, version=version)
    locked = step.obj
    if step.done:
        return locked
    if locked.campaign.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("The campaign is closed; reports can no longer be submitted."))
    if locked.first_submitted_at is None:
        record_first_delivery(
            campaign_id=locked.campaign_id,
            organisation=locked.organisation,
            kind="report",
            at=step.at,
        )
    locked.first_submitted_at = locked.first_submitted_at or step.at
    return step.finish(fields=["first_submitted_at"])


@transaction.atomic
def accept_report(*, by: Actor, report: ActivityReport, version: int) -> ActivityReport:
    """Accept the report: from now on it counts in the statistics."""
    step = REPORT_REVIEW.begin("accept", report, by=by, version=version)
    locked = step.finish()
    report_accepted.send(sender=ActivityReport, report=locked)
    return locked


@transaction.atomic
def return_report(
    *, by: Actor, report: ActivityReport, version: int, reason: str
) -> ActivityReport:
    """Send the report back to its authors with the reason. An accepted report may be returned
    for correction too: it leaves the statistics until it is accepted again."""
    if not reason.strip():
        raise DomainError(_("Say what must change before returning the report."), field="reason")
    step = REPORT_REVIEW.begin("return", report, by=by, version=version)
    locked = step.obj
    was_accepted = locked.status == ActivityReport.Status.ACCEPTED
    locked.return_reason = reason.strip()
    step.finish(fields=["return_reason"], changes={"reason": reason})
    if was_accepted:
        accepted_report_returned.send(sender=ActivityReport, report=locked)
    return locked
