"""Who sees which campaign, receipt and duty. Outside a jurisdiction the answer is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.campaigns.models import Campaign, DutyAssignment, Receipt
from zhucan.orgs.models import jurisdiction_q


def get_campaign_for_user(user: Any, pk: Any) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(user).select_related("issuing_org", "kind", "notice"), pk=pk
    )


def receipts_visible_to(user: Any) -> QuerySet[Receipt]:
    """A recipient sees its own receipt; the issuer's jurisdiction sees all receipts it sent."""
    if not getattr(user, "is_authenticated", False):
        return Receipt.objects.none()
    own = jurisdiction_q(user, "organisation__path")
    issued = jurisdiction_q(user, "campaign__issuing_org__path")
    if own is None or issued is None:
        return Receipt.objects.none()
    return Receipt.objects.filter(own | issued)


def get_receipt_for_user(user: Any, pk: Any) -> Receipt:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        receipts_visible_to(user).select_related("campaign", "organisation"), pk=pk
    )


def assignments_visible_to(user: Any, campaign: Campaign) -> QuerySet[DutyAssignment]:
    qs = DutyAssignment.objects.filter(duty__campaign=campaign)
    issuer_paths = jurisdiction_q(user, "duty__campaign__issuing_org__path")
    own = jurisdiction_q(user, "organisation__path")
    if issuer_paths is None or own is None:
        return qs.none()
    return qs.filter(issuer_paths | own)
