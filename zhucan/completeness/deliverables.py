"""The deliverables a campaign expects from each recipient, where each one is read from, and
its status against its deadline.

Each kind names the receipt's field that says when each organisation first delivered it (the
apps that own plans and reports copy the first submission there), so one query of the
recipients reads every kind for any number of campaigns. The summary report joins this table
when its app exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.completeness.models import DeliverableKind, ReminderSchedule


class Status(TextChoices):
    # Ordered from worst to best: sorting by a column puts the ones to chase first.
    OVERDUE = "overdue", _("Overdue")
    MISSING = "missing", _("Not yet delivered")
    LATE = "late", _("Delivered late")
    ON_TIME = "on_time", _("Delivered on time")


STATUS_ORDER = {status: i for i, status in enumerate(Status)}


def local_date(field: str) -> TruncDate:
    """The day, in the office's time zone, of a stored moment, worked out by the database:
    timeliness is by the day, and thousands of dates read faster than thousands of datetimes."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _first_other_due(campaign: Campaign) -> date | None:
    dates = [d for d in (campaign.plans_due, campaign.reports_due, campaign.summary_due) if d]
    return min(dates) if dates else None


def _receipts_due(campaign: Campaign, schedule: ReminderSchedule | None) -> date | None:
    if schedule is not None and schedule.receipts_due:
        return schedule.receipts_due
    return _first_other_due(campaign)


def _plans_due(campaign: Campaign, schedule: ReminderSchedule | None) -> date | None:
    return campaign.plans_due


def _reports_due(campaign: Campaign, schedule: ReminderSchedule | None) -> date | None:
    return campaign.reports_due


@dataclass(frozen=True)
class Deliverable:
    kind: DeliverableKind
    # (campaign, its schedule or None) -> the due date, or None when nothing sets one.
    due: Callable[[Campaign, ReminderSchedule | None], date | None]
    # The receipt's moment of delivery: signing it, or the first plan or report, which the
    # plans and activities services copy onto the receipt, so that the list of recipients
    # brings every day with it and no plan or report is read.
    field: str
    # Where the organisation goes to deliver it (a URL name without arguments).
    url_name: str

    @property
    def label(self) -> str:
        return str(self.kind.label)


DELIVERABLES: tuple[Deliverable, ...] = (
    Deliverable(DeliverableKind.RECEIPT, _receipts_due, "signed_at", "campaigns:list"),
    Deliverable(DeliverableKind.PLAN, _plans_due, "first_plan_at", "plans:list"),
    Deliverable(DeliverableKind.REPORT, _reports_due, "first_report_at", "activities:list"),
)
BY_KIND = {d.kind.value: d for d in DELIVERABLES}


def status_of(delivered_on: date | None, due: date | None, today: date) -> Status:
    """On time means delivered by the end of the due day (days in the office's time zone)."""
    if delivered_on is not None:
        if due is None or delivered_on <= due:
            return Status.ON_TIME
        return Status.LATE
    if due is not None and today > due:
        return Status.OVERDUE
    return Status.MISSING
