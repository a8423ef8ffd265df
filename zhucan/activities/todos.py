"""The activities' part of each person's to-do list: reports to review, and returned ones."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zhucan.activities.models import ActivityReport
from zhucan.activities.selectors import reports_to_review
from zhucan.core.todos import Todo


def reports_to_review_todos(user: Any) -> list[Todo]:
    return [
        Todo(
            title=_("Review the activity report of %(org)s: %(title)s")
            % {"org": r.organisation.name, "title": r.title},
            url=reverse("activities:detail", kwargs={"report_pk": r.pk}),
            detail=r.campaign.notice.title,
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
