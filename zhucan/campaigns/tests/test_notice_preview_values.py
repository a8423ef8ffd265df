"""The import preview shows what the parser took the campaign and the deadlines to be, so a
day worked out from a yearly rule, or a deadline moved into the next year, is seen before the
draft exists."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.testing.auth import login_verified

NOTICES = Path(__file__).parent / "notices"


def test_preview_shows_the_campaign_day_from_the_rule_and_its_start_year(
    client: Client, world: World
) -> None:
    login_verified(client, world.city_officer)
    text = (NOTICES / "yexian_prevention_2021.txt").read_text(encoding="utf-8")
    fragment = client.post(
        reverse("campaigns:preview"), {"text": text}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "全国残疾预防日</span>，第5次，2021年8月25日，自2017年起每年举办" in fragment
    assert "活动开展情况 2021年9月5日" in fragment


def test_preview_shows_a_deadline_put_into_the_next_year(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    text = (NOTICES / "ruzhou_idpd_2022.txt").read_text(encoding="utf-8")
    fragment = client.post(
        reverse("campaigns:preview"), {"text": text}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "活动开展情况 2022年12月10日；活动总结 2023年1月10日" in fragment
    assert "按2023年计" in fragment
