"""Inputs and checks shared by the plan services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Duty
from zhucan.core.errors import DomainError
from zhucan.orgs.access import require_capability
from zhucan.orgs.models import Region
from zhucan.plans.models import Plan

# The services' name for the one capability check (a name here, so that it is exported).
require = require_capability


@dataclass(frozen=True)
class ActivityInput:
    """One planned activity as a form gives it; ``id`` is None for a new one."""

    title: str
    start_date: date
    end_date: date
    category: str
    mode: str
    expected_attendance: int
    person_responsible: str
    id: int | None = None
    duty: Duty | None = None
    place: str = ""
    region: Region | None = None
    safety_measures: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CommentInput:
    """A remark on the whole plan (no section, no activity), one section or one activity."""

    text: str
    section: str = ""
    activity_id: int | None = None


def check_version(plan: Plan, version: int) -> None:
    if plan.version != version:
        raise DomainError(
            _(
                "Someone else changed this plan while you had it open. "
                "Reload the page to see their changes, then make yours again."
            )
        )


def already_decided(plan: Plan) -> DomainError:
    """The message the second of two reviewers acting at once gets."""
    who = "—"
    if plan.decided_by is not None:
        who = plan.decided_by.get_full_name() or plan.decided_by.get_username()
    when = timezone.localtime(plan.decided_at).strftime("%Y-%m-%d %H:%M") if plan.decided_at else ""
    if plan.status == Plan.Status.APPROVED:
        message = _("This plan was already approved by %(name)s at %(time)s.")
    else:
        message = _("This plan was already returned by %(name)s at %(time)s.")
    return DomainError(message % {"name": who, "time": when})
