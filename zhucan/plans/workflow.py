"""The review of a plan, declared for ``core.workflow``: the organisation's people submit it,
reviewers of the campaign's issuer approve it or return it for another round."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import workflow
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import require_capability
from zhucan.orgs.roles import Capability
from zhucan.plans.models import Plan


def may_submit(by: Actor, plan: Plan) -> None:
    require_capability(by, Capability.REPORT, plan.organisation)


def may_decide(by: Actor, plan: Plan) -> None:
    # The issuer reviews every plan written for its campaign (organisations above it too).
    require_capability(by, Capability.REVIEW, plan.campaign.issuing_org)


def refused(plan: Plan) -> DomainError:
    """The message the second of two reviewers acting at once gets (or one deciding a plan
    that was never sent)."""
    if plan.status not in (Plan.Status.APPROVED, Plan.Status.RETURNED):
        return DomainError(_("This plan has not been submitted yet."))
    who = "—"
    if plan.decided_by is not None:
        who = plan.decided_by.get_full_name() or plan.decided_by.get_username()
    when = timezone.localtime(plan.decided_at).strftime("%Y-%m-%d %H:%M") if plan.decided_at else ""
    if plan.status == Plan.Status.APPROVED:
        message = _("This plan was already approved by %(name)s at %(time)s.")
    else:
        message = _("This plan was already returned by %(name)s at %(time)s.")
    return DomainError(message % {"name": who, "time": when})


PLAN_REVIEW = workflow.Workflow(
    model=Plan,
    stale=gettext_lazy(
        "Someone else changed this plan while you had it open. "
        "Reload the page to see their changes, then make yours again."
    ),
    refused=refused,
    related=("organisation", "campaign__issuing_org", "decided_by"),
    transitions={
        "submit": workflow.Transition(
            sources={Plan.Status.DRAFT, Plan.Status.RETURNED},
            target=Plan.Status.SUBMITTED,
            repeats={Plan.Status.SUBMITTED},
            may=may_submit,
            action="plans.plan.submitted",
            stamp="submitted",
        ),
        "approve": workflow.Transition(
            sources={Plan.Status.SUBMITTED},
            target=Plan.Status.APPROVED,
            may=may_decide,
            action="plans.plan.approved",
            stamp="decided",
            decides=True,
            stale=gettext_lazy(
                "The plan was submitted again after you opened it. Reload the page to review it."
            ),
        ),
        "return": workflow.Transition(
            sources={Plan.Status.SUBMITTED},
            target=Plan.Status.RETURNED,
            may=may_decide,
            action="plans.plan.returned",
            stamp="decided",
            decides=True,
            stale=gettext_lazy(
                "The plan was submitted again after you opened it. Reload the page to review it."
            ),
        ),
    },
)
