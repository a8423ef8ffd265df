"""The plans' part of each person's to-do list: plans to write and plans to review."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.core.todos import Todo
from zhucan.plans.models import Plan
from zhucan.plans.selectors import my_plan_rows, plans_to_review


def _due(campaign: Campaign) -> datetime | None:
    if campaign.plans_due is None:
        return None
    return datetime.combine(campaign.plans_due, time.min, tzinfo=timezone.get_current_timezone())


def plans_to_write(user: Any) -> list[Todo]:
    """Notices received (signed for or not) with no plan yet, an unfinished draft, or a plan
    the reviewer returned."""
    todos = []
    for row in my_plan_rows(user, limit=50):
        campaign, plan = row.receipt.campaign, row.plan
        if campaign.status != Campaign.Status.PUBLISHED:
            continue
        if plan is None:
            title = _("Write the activity plan for: %(title)s")
            url = reverse("plans:list")
        elif plan.status == Plan.Status.RETURNED:
            title = _("Revise the returned activity plan for: %(title)s")
            url = reverse("plans:detail", kwargs={"plan_pk": plan.pk})
        elif plan.status == Plan.Status.DRAFT:
            title = _("Finish and submit the activity plan for: %(title)s")
            url = reverse("plans:detail", kwargs={"plan_pk": plan.pk})
        else:
            continue
        todos.append(
            Todo(
                title=title % {"title": campaign.notice.label},
                url=url,
                due=_due(campaign),
                detail=row.receipt.organisation.name,
            )
        )
    return todos


def plans_to_review_todos(user: Any) -> list[Todo]:
    return [
        Todo(
            title=_("Review the activity plan of %(org)s") % {"org": plan.organisation.name},
            url=reverse("plans:review", kwargs={"plan_pk": plan.pk}),
            detail=plan.campaign.notice.label,
        )
        for plan in plans_to_review(user, limit=50)
    ]
