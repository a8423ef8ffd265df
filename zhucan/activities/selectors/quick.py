"""Reads for the quick report page: where the person may report from a phone."""

from __future__ import annotations

from typing import Any

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.roles import Capability

PAIRS_SHOWN = 200


def writable_pairs(user: Any) -> list[tuple[str, str]]:
    """(``"campaign_id:organisation_id"``, label) for every published campaign an organisation
    received where the person may report: ``plans.access.writable_recipients`` over all open
    campaigns at once. One query."""
    receipts = (
        Receipt.objects.filter(
            organisation__in=organisations_with_capability(user, Capability.REPORT),
            campaign__status=Campaign.Status.PUBLISHED,
        )
        .select_related("campaign__kind", "campaign__issuing_org", "organisation")
        .order_by("-campaign__year", "-campaign__created_at", "organisation__sort_path")
    )[:PAIRS_SHOWN]
    return [
        (
            f"{r.campaign_id}:{r.organisation_id}",
            f"{r.campaign} · {r.organisation.short_name or r.organisation.name}",
        )
        for r in receipts
    ]
