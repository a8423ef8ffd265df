from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zhucan.activities import demo as activities_demo
from zhucan.campaigns import demo as campaigns_demo
from zhucan.orgs import demo as orgs_demo
from zhucan.registry import demo as registry_demo


class Command(BaseCommand):
    help = (
        "Load the Pingdingshan demo: organisations, people, the 2020 campaign and one accepted "
        "activity report. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            orgs_demo.load()
            campaigns_demo.load()
            activities_demo.load()
            registry_demo.load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data loaded."))
        self.stdout.write(f"演示账号（密码均为 {orgs_demo.DEMO_PASSWORD}）/ Demo accounts:")
        for username, full_name, key, role in orgs_demo.DEMO_USERS:
            self.stdout.write(f"  {username:<18} {full_name}  {key}  {role}")
        self.stdout.write(f"  {'outsider':<18} 无单位用户（没有所属单位，看不到任何数据）")
