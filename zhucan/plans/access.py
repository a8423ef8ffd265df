"""Who sees which plan, and who may write, review or oversee. Outside a jurisdiction: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.campaigns.models import Campaign
from zhucan.orgs.access import has_capability, organisations_with_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.plans.models import Plan


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    return Plan.objects.visible_to(user)


def get_plan_for_user(user: Any, pk: Any) -> Plan:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        plans_visible_to(user).select_related(
            "organisation", "campaign__issuing_org", "campaign__kind", "campaign__notice"
        ),
        pk=pk,
    )


def can_write(user: Any, plan: Plan) -> bool:
    return has_capability(user, Capability.REPORT, plan.organisation)


def can_review(user: Any, campaign: Campaign) -> bool:
    return has_capability(user, Capability.REVIEW, campaign.issuing_org)


def can_oversee(user: Any, campaign: Campaign) -> bool:
    """The issuer's coordinators and reviewers follow every recipient's plan."""
    return can_review(user, campaign) or has_capability(
        user, Capability.COORDINATE, campaign.issuing_org
    )


def can_set_rules(user: Any, campaign: Campaign) -> bool:
    return has_capability(user, Capability.COORDINATE, campaign.issuing_org)


def writable_recipients(user: Any, campaign: Campaign) -> list[Organisation]:
    """Recipients of the campaign whose plan this person may write."""
    receipts = campaign.receipts.filter(
        organisation__in=organisations_with_capability(user, Capability.REPORT)
    )
    return [r.organisation for r in receipts.select_related("organisation")]
