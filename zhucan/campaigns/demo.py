"""The demo campaign: the real 2020 Pingdingshan notice, imported and published by the city
officer through the same services a person uses.

It is a campaign already under way when the office starts using Zhucan: the notice went out on
paper ten days before the load and was to be signed for four days later. Most recipients
signed in time, on paper, and the city officer records those signings with their day; a few
sign only today, in Zhucan, and show as late; a few have not signed at all and are overdue
(they are the ones the reminders chase, and the city is told about them). The plans are due in
two days, so they are not yet due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from zhucan.accounts.demo import acting_user
from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Notice, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.campaigns.services import (
    import_notice,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.campaigns.signals import receipts_due_chosen
from zhucan.orgs.models import Organisation

# Recipients that have not signed yet: what the completeness page and the reminders show.
UNSIGNED = (
    "驻平顶山部队",
    "中共平顶山市委宣传部",
    "平顶山市住房和城乡建设局",
    "共青团平顶山市委员会",
)

# Recipients that sign only today, by their own account, after the receipts were due.
LATE = (
    "叶县人民政府残疾人工作委员会",
    "平顶山市扶贫开发办公室",
    "平顶山市总工会",
)

# Days before the load: the paper notice went out, signing was due, on-time signers signed.
PUBLISHED_DAYS_AGO = 10
RECEIPTS_DUE_DAYS_AGO = 6
SIGNED_DAYS_AGO = 8

SEED = Path(__file__).parent / "demo_data" / "pingdingshan_2020.txt"


def load() -> None:
    if Notice.objects.filter(issuer_code="平残工委", doc_year=2020, doc_serial=2).exists():
        return
    officer = User.objects.get(username="city_officer")
    city = Organisation.objects.get(name="平顶山市人民政府残疾人工作委员会", parent=None)
    text = SEED.read_text(encoding="utf-8")
    campaign = import_notice(
        by=officer, issuing_org=city, parsed=parse_notice_text(text), source_text=text
    )
    today = timezone.localdate()
    campaign = publish_campaign(
        by=officer, campaign=campaign, at=days_ago(today, PUBLISHED_DAYS_AGO)
    )
    # The 2020 notice set no dates for what it asks back. The demo sets them from the day it is
    # loaded, so that its deadlines, reminders and completeness are live rather than long past:
    # signing was due before today, the plans are due in two days.
    # The date for signing is kept with the reminders (completeness), which hear it as from the
    # publishing page; the demo's date is already past, which that page would refuse.
    receipts_due_chosen.send(
        sender=Campaign,
        campaign=campaign,
        receipts_due=today - timedelta(days=RECEIPTS_DUE_DAYS_AGO),
        by=officer,
    )
    campaign = set_deadlines(
        by=officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=2),
        reports_due=today + timedelta(days=21),
        summary_due=today + timedelta(days=30),
    )
    sign_receipts(campaign, today)


def days_ago(today: date, days: int) -> datetime:
    """Nine in the morning, office time, ``days`` before ``today``."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(9)))


def sign_receipts(campaign: Campaign, today: date) -> None:
    """Every recipient signs but those in ``UNSIGNED``, in the order of the tree (the same
    order on every machine): those in ``LATE`` today by their own account, the others on paper
    before the deadline, recorded by the city officer with the day they signed."""
    officer = User.objects.get(username="city_officer")
    on_paper = days_ago(today, SIGNED_DAYS_AGO)
    receipts = (
        Receipt.objects.filter(campaign=campaign, signed_at__isnull=True)
        .exclude(organisation__name__in=UNSIGNED)
        .select_related("organisation")
        .order_by("organisation__region_id", "organisation__name")
    )
    for receipt in receipts:
        if receipt.organisation.name in LATE:
            sign_receipt(by=acting_user(receipt.organisation, officer), receipt=receipt)
        else:
            sign_receipt(by=officer, receipt=receipt, at=on_paper)
