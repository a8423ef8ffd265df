"""The demo campaign: the real 2020 Pingdingshan notice, imported and published by the city
officer through the same services a person uses, with one county already signed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.campaigns.models import Notice, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.campaigns.services import (
    import_notice,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.orgs.models import Organisation

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
