"""Deadlines a campaign sets for what its recipients deliver. Unlike the rest of the notice they
can move after publishing: offices extend a deadline by a phone call, Zhucan records it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services.common import require
from zhucan.campaigns.signals import deadlines_moved
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.roles import Capability


@transaction.atomic
def set_deadlines(
    *,
    by: Actor,
    campaign: Campaign,
    version: int,
    plans_due: date | None,
    reports_due: date | None,
    summary_due: date | None,
) -> Campaign:
    """Change the due dates of plans, reports and the summary, before or after publishing."""
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign.pk)
    )
    require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status == Campaign.Status.CLOSED:
        raise DomainError(_("The campaign is closed; its deadlines can no longer change."))
    if locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this campaign while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    if plans_due and reports_due and reports_due < plans_due:
        raise DomainError(
            _("Reports cannot be due before the plans they carry out."), field="reports_due"
        )
    if reports_due and summary_due and summary_due < reports_due:
        raise DomainError(
            _("The summary cannot be due before the activity reports."), field="summary_due"
        )
    before = Campaign(
        plans_due=locked.plans_due, reports_due=locked.reports_due, summary_due=locked.summary_due
    )
    changes = audit.diff(
        locked, {"plans_due": plans_due, "reports_due": reports_due, "summary_due": summary_due}
    )
    if not changes:
        return locked
    locked.version += 1
    locked.save(update_fields=["plans_due", "reports_due", "summary_due", "version"])
    deadlines_moved.send(sender=Campaign, campaign=locked, before=before)
    audit.record(by=by, action="campaigns.deadlines.changed", target=locked, changes=changes)
    return locked
