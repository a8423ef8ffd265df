"""The public site shows what is published inside its organisation, and nothing else."""

from __future__ import annotations

from django.test import Client

from zhucan.conftest import World
from zhucan.portal.tests.factories import Portal

COUNTY_A = "/p/410402/"
CITY = "/p/410400/"


def test_home_shows_the_campaign_and_what_is_coming(client: Client, portal: Portal) -> None:
    response = client.get(COUNTY_A)
    assert response.status_code == 200
    body = response.content.decode()
    assert "助残脱贫 决胜小康" in body
    assert "决战脱贫攻坚 决胜全面小康" in body
    assert "康复知识讲座" in body
