"""The coordinator's part of the home page: for each campaign the office sent, how many units
have not yet signed, sent a plan or reported. Counted by the completeness selectors, so the
numbers are the ones its page shows, in a fixed number of queries however many campaigns."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhucan.campaigns.models import Campaign
from zhucan.completeness.deliverables import Status
from zhucan.completeness.models import DeliverableKind
from zhucan.completeness.selectors import expected_rows
from zhucan.core.todos import Todo
from zhucan.orgs.access import capability_roots
from zhucan.orgs.roles import Capability

# Campaigns on the home page at most: the most recent ones an office is still running.
LIMIT = 20
OPEN = {Status.MISSING, Status.OVERDUE}
ONE_DAY = timedelta(days=1)


def _missing_parts(counts: Counter[str]) -> list[str]:
    # Literal ngettext calls, so that makemessages finds every phrase.
    parts = []
    if n := counts[DeliverableKind.RECEIPT]:
        parts.append(
            ngettext("%(n)d unit has not signed", "%(n)d units have not signed", n) % {"n": n}
        )
    if n := counts[DeliverableKind.PLAN]:
        parts.append(ngettext("%(n)d has sent no plan", "%(n)d have sent no plan", n) % {"n": n})
    if n := counts[DeliverableKind.REPORT]:
        parts.append(ngettext("%(n)d has not reported", "%(n)d have not reported", n) % {"n": n})
    return parts


def units_to_follow_up(user: Any) -> list[Todo]:
    """Campaigns issued by the user's own coordinating offices that still wait for units."""
    if not getattr(user, "is_authenticated", False):
        return []
    roots = capability_roots(user, Capability.COORDINATE)
    if not roots:
        return []
    campaigns = list(
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED, issuing_org__path__in=roots)
        .select_related("issuing_org", "kind", "notice")
        .order_by("-published_at")[:LIMIT]
    )
    if not campaigns:
        return []
    today = timezone.localdate()
    counts: dict[int, Counter[str]] = {c.pk: Counter() for c in campaigns}
    nearest: dict[int, Any] = {}
    for row in expected_rows(campaigns, scope=Q(), today=today):
        for kind, cell in row.cells.items():
            if cell.status in OPEN:
                counts[row.campaign_id][kind] += 1
                if cell.due and cell.due < nearest.get(row.campaign_id, cell.due + ONE_DAY):
                    nearest[row.campaign_id] = cell.due
    tz = timezone.get_current_timezone()
    todos = []
    for campaign in campaigns:
        parts = _missing_parts(counts[campaign.pk])
        if not parts:
            continue
        due = nearest.get(campaign.pk)
        todos.append(
            Todo(
                title=_("Follow up the units of: %(title)s") % {"title": campaign.notice.label},
                url=reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk}),
                due=datetime.combine(due, time.min, tzinfo=tz) if due else None,
                detail="；".join(parts),
            )
        )
    return todos
