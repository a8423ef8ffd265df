"""Reads for the typical activities (典型) pages: the list, its filters and the queue to decide."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhucan.activities.access import visible_typicals
from zhucan.activities.models import ActivityReport, TypicalActivity
from zhucan.activities.services.typical import can_decide
from zhucan.campaigns.models import Campaign

TO_DECIDE_LIMIT = 200


def typical_of(report: ActivityReport) -> TypicalActivity | None:
    """The report's proposal, if it was put forward."""
    return TypicalActivity.objects.filter(report=report).first()


def typical_campaigns(user: Any) -> QuerySet[Campaign]:
    """The campaigns that have typical activities the user may see: the filter's choices."""
    return Campaign.objects.filter(
        pk__in=visible_typicals(user).values("report__campaign")
    ).select_related("kind", "issuing_org", "notice")


def filtered_typicals(
    user: Any, *, status: str = "all", campaign: Campaign | None = None, q: str = ""
) -> QuerySet[TypicalActivity]:
    """The typical activities the user may see, narrowed by the list's filters, newest first."""
    rows = visible_typicals(user)
    if status != "all":
        rows = rows.filter(status=status)
    if campaign:
        rows = rows.filter(report__campaign=campaign)
    if q:
        rows = rows.filter(
            Q(report__title__icontains=q)
            | Q(report__organisation__name__icontains=q)
            | Q(account__icontains=q)
        )
    return rows.order_by("-proposed_at", "-pk")


def typicals_to_decide(user: Any, *, limit: int = TO_DECIDE_LIMIT) -> list[TypicalActivity]:
    """The oldest proposals first that the user may decide on (of the first ``limit``)."""
    proposed = visible_typicals(user).filter(status=TypicalActivity.Status.PROPOSED)
    return [t for t in proposed.order_by("proposed_at")[:limit] if can_decide(user, t)]
