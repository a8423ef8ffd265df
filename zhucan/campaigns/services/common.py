"""Checks shared by the campaign services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign, CampaignKind, Deadline
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import require_capability
from zhucan.orgs.roles import Capability

# The services' name for the one capability check (a name here, so that it is exported).
require = require_capability

DEADLINE_KINDS = {
    "活动方案": Deadline.Kind.PLAN,
    "活动开展情况": Deadline.Kind.REPORT,
    "典型活动": Deadline.Kind.TYPICAL,
    "活动总结": Deadline.Kind.SUMMARY,
}


def kind_for(name: str | None) -> CampaignKind:
    kind = CampaignKind.objects.filter(name=name or "全国助残日").first()
    if kind is None:
        raise DomainError(_("Unknown campaign kind %(name)s.") % {"name": name}, field="kind")
    return kind


def lock_draft(
    *, by: Actor, campaign: Campaign, published: str, version: int | None = None
) -> Campaign:
    """Lock a draft campaign for a change: the coordinator's right, the draft state (else the
    ``published`` message), and, when ``version`` is given, no edit in another tab since."""
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign.pk)
    )
    require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status != Campaign.Status.DRAFT:
        raise DomainError(published)
    if version is not None and locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this notice while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    return locked
