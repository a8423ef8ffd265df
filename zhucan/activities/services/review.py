"""Submitting a report, and the office above returning or accepting it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.activities.access import decides_for
from zhucan.activities.models import ActivityReport
from zhucan.activities.services.common import check_version, lock, require
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import DECIDING_CAPABILITIES, Capability
from zhucan.stats.services import count_accepted_report, uncount_report
from zhucan.stats.services.deliveries import record_first_delivery


def already_decided(report: ActivityReport) -> DomainError:
    return DomainError(
        _("This report was already %(status)s by someone else. Reload the page.")
        % {"status": report.get_status_display()}
    )


@transaction.atomic
def submit_report(*, by: Actor, report: ActivityReport, version: int) -> ActivityReport:
    """Send the report up. A second click (or a resend) finds it submitted and does nothing."""
    locked = lock(report)
    require(by, Capability.REPORT, locked.organisation)
    if locked.status in (ActivityReport.Status.SUBMITTED, ActivityReport.Status.ACCEPTED):
        return locked
    check_version(locked, version)
    if locked.campaign.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("The campaign is closed; reports can no longer be submitted."))
    now = timezone.now()
    if locked.first_submitted_at is None:
        record_first_delivery(
            campaign_id=locked.campaign_id, organisation=locked.organisation, kind="report", at=now
        )
    locked.status = ActivityReport.Status.SUBMITTED
    locked.submitted_at = now
    locked.first_submitted_at = locked.first_submitted_at or now
    locked.version += 1
    locked.save(
        update_fields=["status", "submitted_at", "first_submitted_at", "version", "updated_at"]
    )
    audit.record(by=by, action="activities.report.submitted", target=locked)
    return locked


def _decide(
    by: Actor,
    report: ActivityReport,
    version: int,
    allowed: tuple[str, ...] = (ActivityReport.Status.SUBMITTED,),
) -> ActivityReport:
    """The checks before accepting or returning. Reviewers and coordinators of an office above
    the reporting organisation decide (a county office checks its units' work before the city
    counts it; the city checks the county's own), never the organisation itself nor the
    report's author: four eyes (``orgs.roles.DECIDED_FROM_ABOVE``)."""
    locked = lock(report)
    org = locked.organisation
    if not any(has_capability(by, cap, org) for cap in DECIDING_CAPABILITIES):
        raise DomainError(_("Only a reviewer or coordinator can accept or return this report."))
    if locked.created_by_id == by.pk:
        raise DomainError(_("Someone else must accept or return a report you wrote yourself."))
    if not decides_for(by, org):
        raise DomainError(
            _(
                "A report of %(org)s is accepted or returned by the office above it, "
                "not by %(org)s itself."
            )
            % {"org": org.name}
        )
    if locked.status not in allowed:
        raise already_decided(locked)
    if locked.status != ActivityReport.Status.SUBMITTED and locked.version != version:
        # Decided since the page was opened: say so, rather than "changed by someone".
        raise already_decided(locked)
    check_version(locked, version)
    return locked


@transaction.atomic
def accept_report(*, by: Actor, report: ActivityReport, version: int) -> ActivityReport:
    """Accept the report: from now on it counts in the statistics."""
    locked = _decide(by, report, version)
    locked.status = ActivityReport.Status.ACCEPTED
    locked.decided_at, locked.decided_by = timezone.now(), by
    locked.version += 1
    locked.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
    count_accepted_report(report=locked)
    audit.record(by=by, action="activities.report.accepted", target=locked)
    return locked


@transaction.atomic
def return_report(
    *, by: Actor, report: ActivityReport, version: int, reason: str
) -> ActivityReport:
    """Send the report back to its authors with the reason. An accepted report may be returned
    for correction too: it leaves the statistics until it is accepted again."""
    if not reason.strip():
        raise DomainError(_("Say what must change before returning the report."), field="reason")
    locked = _decide(
        by, report, version, (ActivityReport.Status.SUBMITTED, ActivityReport.Status.ACCEPTED)
    )
    was_accepted = locked.status == ActivityReport.Status.ACCEPTED
    locked.status = ActivityReport.Status.RETURNED
    locked.return_reason = reason.strip()
    locked.decided_at, locked.decided_by = timezone.now(), by
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "return_reason",
            "decided_at",
            "decided_by",
            "version",
            "updated_at",
        ]
    )
    if was_accepted:
        uncount_report(report=locked)
    audit.record(
        by=by, action="activities.report.returned", target=locked, changes={"reason": reason}
    )
    return locked
