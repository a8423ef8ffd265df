from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zhucan.accounts import demo as accounts_demo
from zhucan.activities import demo as activities_demo
from zhucan.campaigns import demo as campaigns_demo
from zhucan.campaigns.models import Campaign
from zhucan.completeness import demo as completeness_demo
from zhucan.helprequests import demo as helprequests_demo
from zhucan.plans import demo as plans_demo
from zhucan.registry import demo as registry_demo


class Command(BaseCommand):
    help = (
        "Load the Pingdingshan demo: the city's organisations and accounts, the 2020 campaign "
        "with its receipts, plans in every state, a few hundred accepted activity reports, a "
        "register of a few thousand synthetic people, today's reminders and a dozen help "
        "requests. The same on every machine; running it again adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # One transaction: much faster on SQLite, and a failed load leaves nothing half made.
        with transaction.atomic():
            accounts_demo.load()
            campaigns_demo.load()
            campaign = Campaign.objects.get(
                notice__doc_number__contains="2号", year=2020, parent=None
            )
            plans_demo.load(campaign)
            activities_demo.load()
            registry_demo.load(campaign)
            completeness_demo.load(campaign)
            helprequests_demo.load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data loaded."))
        self.stdout.write(f"演示账号（密码均为 {accounts_demo.DEMO_PASSWORD}）/ Demo accounts:")
        for username, full_name, key, role in accounts_demo.ALL_DEMO_USERS:
            self.stdout.write(f"  {username:<18} {full_name}  {key}  {role}")
        self.stdout.write(f"  {'outsider':<18} 无单位用户（没有所属单位，看不到任何数据）")
