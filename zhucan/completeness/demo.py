"""The demo's reminders: today's sweep, run at load, as the periodic task would have. Signing
was due six days ago, so those that have not signed are told they are overdue and, past the
schedule's five days, the city is told who they are; the plans are due in two days, so those
without one submitted get the reminder before the deadline."""

from __future__ import annotations

from django.utils import timezone

from zhucan.campaigns.models import Campaign
from zhucan.completeness.models import ReminderSent
from zhucan.completeness.services import sweep_campaign


def load(campaign: Campaign) -> None:
    if ReminderSent.objects.filter(campaign=campaign).exists():
        return
    sweep_campaign(campaign_id=campaign.pk, today=timezone.localdate())
