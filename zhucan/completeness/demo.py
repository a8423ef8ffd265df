"""The demo's reminders: today's sweep, run at load, reminds the recipients that have not
signed or sent a plan (the plans are due in two days), as the periodic task would have."""

from __future__ import annotations

from django.utils import timezone

from zhucan.campaigns.models import Campaign
from zhucan.completeness.models import ReminderSent
from zhucan.completeness.services import sweep_campaign


def load(campaign: Campaign) -> None:
    if ReminderSent.objects.filter(campaign=campaign).exists():
        return
    sweep_campaign(campaign_id=campaign.pk, today=timezone.localdate())
