"""The review workflow: submit (freezing a version), approve, return with comments, comment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services.deliveries import record_first_delivery
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability
from zhucan.plans.models import SECTIONS, Plan, PlanComment, PlannedActivity, PlanVersion
from zhucan.plans.safety import check_activities, rules_for
from zhucan.plans.services.common import CommentInput
from zhucan.plans.versions import take_snapshot
from zhucan.plans.workflow import PLAN_REVIEW


@transaction.atomic
def submit_plan(*, by: Actor, plan: Plan, version: int) -> Plan:
    """Submit the plan for review. A second click finds it submitted and does nothing."""
    step = PLAN_REVIEW.begin("submit", plan, by=by, version=version)
    locked = step.obj
    if step.done:
        return locked
    campaign = locked.campaign
    if campaign.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("The campaign is closed; plans can no longer be submitted."))
    activities = list(locked.activities.select_related("duty", "region"))
    if not activities:
        raise DomainError(_("Add at least one planned activity before submitting the plan."))
    rules = rules_for(campaign)
    broken = check_activities(rules, activities)
    if broken and rules.enforce:
        raise DomainError(
            _("The plan breaks the campaign's safety rules and cannot be submitted: %(rules)s")
            % {"rules": " ".join(f"({i}) {b.message}" for i, b in enumerate(broken, start=1))}
        )
    now = step.at
    late = bool(campaign.plans_due and timezone.localdate(now) > campaign.plans_due)
    number = locked.versions.count() + 1
    PlanVersion.objects.create(
        plan=locked,
        number=number,
        submitted_at=now,
        submitted_by=by,
        snapshot=take_snapshot(locked, activities),
        late=late,
    )
    if locked.first_submitted_at is None:
        locked.late = late
        locked.first_submitted_at = now
        record_first_delivery(
            campaign_id=locked.campaign_id, organisation=locked.organisation, kind="plan", at=now
        )
    return step.finish(
        fields=["first_submitted_at", "late"],
        changes={"number": number, "late": late, "warnings": [b.message for b in broken]},
    )


def _comment(plan: Plan, by: Actor, item: CommentInput, version: PlanVersion | None) -> PlanComment:
    text = item.text.strip()
    if not text:
        raise DomainError(_("Write the comment."), field="text")
    if item.section and item.section not in SECTIONS:
        raise DomainError(_("Choose what the comment is about."), field="target")
    activity = None
    if item.activity_id is not None:
        activity = PlannedActivity.objects.filter(plan=plan, pk=item.activity_id).first()
        if activity is None:
            raise DomainError(_("That activity is not part of this plan."), field="target")
    return PlanComment.objects.create(
        plan=plan,
        version=version,
        section="" if activity else item.section,
        activity=activity,
        activity_title=activity.title if activity else "",
        text=text,
        author=by,
    )


@transaction.atomic
def approve_plan(
    *, by: Actor, plan: Plan, version: int, comment: CommentInput | None = None
) -> Plan:
    """Approve a submitted plan (reviewers of the issuing organisation or above)."""
    step = PLAN_REVIEW.begin("approve", plan, by=by, version=version)
    latest = step.obj.versions.order_by("-number").first()
    if comment is not None and comment.text.strip():
        _comment(step.obj, by, comment, latest)
    return step.finish(changes={"number": latest.number if latest else None})


@transaction.atomic
def return_plan(*, by: Actor, plan: Plan, version: int, comments: Sequence[CommentInput]) -> Plan:
    """Send a submitted plan back to its author, saying what must change (at least once)."""
    step = PLAN_REVIEW.begin("return", plan, by=by, version=version)
    if not [c for c in comments if c.text.strip()]:
        raise DomainError(
            _("Write at least one comment to say what needs to change."), field="text"
        )
    latest = step.obj.versions.order_by("-number").first()
    written = [_comment(step.obj, by, c, latest) for c in comments if c.text.strip()]
    return step.finish(
        changes={"number": latest.number if latest else None, "comments": len(written)}
    )


@transaction.atomic
def add_comment(
    *, by: Actor, plan: Plan, comment: CommentInput, token: uuid.UUID | None = None
) -> PlanComment:
    """A remark at any time, by a reviewer or by the plan's own people (to answer one).
    ``token``: the form's; the comment sent twice is written once."""
    locked = PLAN_REVIEW.lock(plan)
    if not (
        has_capability(by, Capability.REVIEW, locked.campaign.issuing_org)
        or has_capability(by, Capability.REPORT, locked.organisation)
    ):
        raise DomainError(_("You are not allowed to comment on this plan."))

    def create() -> PlanComment:
        latest = locked.versions.order_by("-number").first()
        written = _comment(locked, by, comment, latest)
        audit.record(
            by=by,
            action="plans.comment.added",
            target=written,
            changes={
                "plan": locked.pk,
                "section": written.section,
                "activity": written.activity_id,
            },
        )
        return written

    return create_once(by=by, token=token, model=PlanComment, create=create)
