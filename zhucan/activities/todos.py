"""The activities' part of each person's to-do list: reports due, to review, and returned."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.activities.models import ActivityReport
from zhucan.activities.selectors import reports_to_review
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core.todos import Todo
from zhucan.orgs.access import capability_roots
from zhucan.orgs.roles import Capability


def reports_to_review_todos(user: Any) -> list[Todo]:
    return [
        Todo(
            title=_("Review the activity report of %(org)s: %(title)s")
            % {"org": r.organisation.name, "title": r.title},
            url=reverse("activities:detail", kwargs={"report_pk": r.pk}),
            detail=r.campaign.notice.label,
        )
        for r in reports_to_review(user, limit=50)
    ]


def returned_reports_todos(user: Any) -> list[Todo]:
    """Reports the office above returned, for the people who wrote them."""
    if not getattr(user, "is_authenticated", False):
        return []
    returned = (
        ActivityReport.objects.visible_to(user)
        .filter(status=ActivityReport.Status.RETURNED, created_by=user)
        .select_related("organisation")
        .order_by("decided_at")[:50]
    )
    return [
        Todo(
            title=_("Revise the returned activity report: %(title)s") % {"title": r.title},
            url=reverse("activities:detail", kwargs={"report_pk": r.pk}),
            detail=r.return_reason[:100],
        )
        for r in returned
    ]


def reports_due_todos(user: Any) -> list[Todo]:
    """Campaigns the person's own units received and have not reported on yet: once the notice
    sets a reports deadline, or once the unit has sent its plan."""
    if not getattr(user, "is_authenticated", False):
        return []
    roots = capability_roots(user, Capability.REPORT)
    if not roots:
        return []
    draft = ActivityReport.objects.filter(
        campaign_id=OuterRef("campaign_id"),
        organisation_id=OuterRef("organisation_id"),
        status=ActivityReport.Status.DRAFT,
    ).order_by("pk")
    receipts = (
        Receipt.objects.filter(
            Q(campaign__reports_due__isnull=False) | Q(first_plan_at__isnull=False),
            organisation__path__in=roots,
            campaign__status=Campaign.Status.PUBLISHED,
            first_report_at__isnull=True,
        )
        .annotate(draft_pk=Subquery(draft.values("pk")[:1]))
        .select_related("campaign__notice", "organisation")
        .order_by("campaign__reports_due", "pk")[:50]
    )
    tz = timezone.get_current_timezone()
    todos = []
    for r in receipts:
        label = r.campaign.notice.label
        if r.draft_pk:
            title = _("Finish and submit the activity report for: %(title)s") % {"title": label}
            url = reverse("activities:detail", kwargs={"report_pk": r.draft_pk})
        else:
            title = _("Report the activities for: %(title)s") % {"title": label}
            url = reverse("activities:new", kwargs={"campaign_pk": r.campaign_id})
            url += f"?organisation={r.organisation_id}"
        due = r.campaign.reports_due
        todos.append(
            Todo(
                title=title,
                url=url,
                due=datetime.combine(due, time.min, tzinfo=tz) if due else None,
                detail=r.organisation.name,
            )
        )
    return todos
