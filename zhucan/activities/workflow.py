"""The review of an activity report, declared for ``core.workflow``: the organisation's people
submit it, the office above accepts it (then it counts in the statistics) or returns it, and
may return an accepted one for correction."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.access import decides_for
from zhucan.activities.models import ActivityReport
from zhucan.core import workflow
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability, require_capability
from zhucan.orgs.roles import DECIDING_CAPABILITIES, Capability

Status = ActivityReport.Status


def may_submit(by: Actor, report: ActivityReport) -> None:
    require_capability(by, Capability.REPORT, report.organisation)


def may_decide(by: Actor, report: ActivityReport) -> None:
    """Reviewers and coordinators of an office above the reporting organisation decide (a
    county office checks its units' work before the city counts it; the city checks the
    county's own), never the organisation itself nor the report's author: four eyes
    (``orgs.roles.DECIDED_FROM_ABOVE``)."""
    org = report.organisation
    if not any(has_capability(by, cap, org) for cap in DECIDING_CAPABILITIES):
        raise DomainError(_("Only a reviewer or coordinator can accept or return this report."))
    if report.created_by_id == by.pk:
        raise DomainError(_("Someone else must accept or return a report you wrote yourself."))
    if not decides_for(by, org):
        raise DomainError(
            _(
                "A report of %(org)s is accepted or returned by the office above it, "
                "not by %(org)s itself."
            )
            % {"org": org.name}
        )


def already_decided(report: ActivityReport) -> DomainError:
    return DomainError(
        _("This report was already %(status)s by someone else. Reload the page.")
        % {"status": report.get_status_display()}
    )


REPORT_REVIEW = workflow.Workflow(
    model=ActivityReport,
    stale=gettext_lazy(
        "Someone else changed this report while you had it open. "
        "Reload the page to see their changes, then make yours again."
    ),
    refused=already_decided,
    related=("organisation", "campaign__issuing_org"),
    transitions={
        # A second click, or the phone's resend, finds it sent (or accepted) and does nothing.
        "submit": workflow.Transition(
            sources={Status.DRAFT, Status.RETURNED},
            target=Status.SUBMITTED,
            repeats={Status.SUBMITTED, Status.ACCEPTED},
            may=may_submit,
            action="activities.report.submitted",
            stamp="submitted",
        ),
        "accept": workflow.Transition(
            sources={Status.SUBMITTED},
            target=Status.ACCEPTED,
            may=may_decide,
            action="activities.report.accepted",
            stamp="decided",
            decides=True,
        ),
        # An accepted report may be returned for correction: it leaves the statistics.
        "return": workflow.Transition(
            sources={Status.SUBMITTED, Status.ACCEPTED},
            target=Status.RETURNED,
            may=may_decide,
            action="activities.report.returned",
            stamp="decided",
            decides=True,
        ),
    },
)
