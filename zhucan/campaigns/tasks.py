"""Background work for campaigns, on the django_tasks interface (database queue by default).

A receipt reminder is enqueued when a notice is published, to run a set number of days before
the first deadline. If the worker is down at that moment the task waits in the queue and runs
when it comes back; the reminder's unique key makes a second run send nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from zhucan.campaigns.models import Campaign


@task()
def send_receipt_reminders(campaign_id: int) -> int:
    from zhucan.campaigns.services import send_receipt_reminders_for

    campaign = Campaign.objects.filter(pk=campaign_id).select_related("issuing_org").first()
    if campaign is None:
        return 0
    return send_receipt_reminders_for(campaign=campaign)


def first_deadline(campaign: Campaign):  # type: ignore[no-untyped-def]
    dates = [d.due for d in campaign.deadlines.all()]
    dates += [d for d in (campaign.plans_due, campaign.reports_due, campaign.summary_due) if d]
    if not dates and campaign.date:
        dates.append(campaign.date)
    return min(dates) if dates else None


def schedule_receipt_reminder(campaign_id: int) -> None:
    """Enqueue the automatic reminder for ``RECEIPT_REMINDER_DAYS_BEFORE`` the first deadline."""
    campaign = Campaign.objects.get(pk=campaign_id)
    deadline = first_deadline(campaign)
    if deadline is None:
        return
    at = datetime.combine(
        deadline - timedelta(days=settings.RECEIPT_REMINDER_DAYS_BEFORE),
        time(9, 0),
        tzinfo=timezone.get_current_timezone(),
    )
    if at <= timezone.now():
        if deadline < timezone.localdate():
            return  # the deadline has passed: late reminders belong to completeness tracking
        at = timezone.now()
    send_receipt_reminders.using(run_after=at).enqueue(campaign_id)
