from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core.todos import Todo
from zhucan.orgs.models import Membership


def receipts_to_sign(user: Any) -> list[Todo]:
    """Notices sent to the person's own organisations that nobody there has signed for yet."""
    orgs = Membership.objects.filter(user=user).values("organisation")
    receipts = (
        Receipt.objects.filter(
            organisation__in=orgs,
            signed_at__isnull=True,
            campaign__status=Campaign.Status.PUBLISHED,
        )
        .select_related("campaign__notice", "organisation")
        .order_by("sent_at")[:50]
    )
    tz = timezone.get_current_timezone()
    return [
        Todo(
            title=_("Sign for the notice: %(title)s") % {"title": r.campaign.notice.label},
            url=reverse("campaigns:detail", kwargs={"campaign_pk": r.campaign_id}),
            due=datetime.combine(r.campaign.plans_due, time.min, tzinfo=tz)
            if r.campaign.plans_due
            else None,
            detail=r.organisation.name,
        )
        for r in receipts
    ]
