"""The demo campaign: the real 2020 Pingdingshan notice, imported and published by the city
officer through the same services a person uses; every county and most city member units have
signed for it, a few have not (they are the ones the reminders chase)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Notice, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.campaigns.services import (
    import_notice,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.orgs.demo import acting_user
from zhucan.orgs.models import Organisation

# Recipients that have not signed yet: what the completeness page and the reminders show.
UNSIGNED = (
    "驻平顶山部队",
    "中共平顶山市委宣传部",
    "平顶山市住房和城乡建设局",
    "共青团平顶山市委员会",
)

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
    campaign = publish_campaign(by=officer, campaign=campaign)
    # The 2020 notice set no dates for what it asks back. The demo sets them from the day it is
    # loaded, so that its deadlines, reminders and completeness are live rather than long past.
    today = timezone.localdate()
    campaign = set_deadlines(
        by=officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=2),
        reports_due=today + timedelta(days=21),
        summary_due=today + timedelta(days=30),
    )
    xinhua = User.objects.get(username="xinhua_officer")
    receipt = Receipt.objects.get(
        campaign=campaign, organisation__name="新华区人民政府残疾人工作委员会"
    )
    sign_receipt(by=xinhua, receipt=receipt)
    sign_receipts(campaign)


def sign_receipts(campaign: Campaign) -> None:
    """Every recipient signs but those in ``UNSIGNED``, each by its own account, in the order
    of the tree (the same order on every machine)."""
    officer = User.objects.get(username="city_officer")
    receipts = (
        Receipt.objects.filter(campaign=campaign, signed_at__isnull=True)
        .exclude(organisation__name__in=UNSIGNED)
        .select_related("organisation")
        .order_by("organisation__region_id", "organisation__name")
    )
    for receipt in receipts:
        sign_receipt(by=acting_user(receipt.organisation, officer), receipt=receipt)
