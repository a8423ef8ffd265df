"""The completeness page lists organisations as people expect: the counties by GB/T 2260 code,
then the city's departments in the notice's order; and its heading claims no other order."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from zhucan.accounts import demo
from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.completeness.selectors import completeness, sort_rows
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign

COUNTIES = [f"{name}人民政府残疾人工作委员会" for _code, name in demo.COUNTIES]


def _city_campaign() -> tuple[dict[str, Organisation], User, Campaign]:
    orgs = demo.load()
    officer = User.objects.get(username="city_officer")
    return orgs, officer, make_campaign(issuing_org=orgs["city"], by=officer)


def _expected_order(names: list[str]) -> list[str]:
    """Counties in the demo's (code) order, then the departments in the notice's order."""
    departments = ["平顶山市残疾人联合会", *(n for n, _d in demo.CITY_MEMBER_UNITS)]
    return [n for n in COUNTIES + departments if n in names]


def test_groups_and_rows_come_counties_by_code_then_departments(db: None) -> None:
    _orgs, officer, campaign = _city_campaign()
    report = completeness(officer, campaign)
    groups = [g.name for g in report.groups if not g.is_node]
    assert groups[:10] == COUNTIES  # the demo made the departments first
    assert groups == _expected_order(groups)
    rows = [r.name for r in sort_rows(report.rows, "name")]
    top_rows = [n for n in rows if n in COUNTIES + _expected_order(rows)]
    assert top_rows == _expected_order(rows)
    assert [r.name for r in sort_rows(report.rows, "name:desc")] == rows[::-1]


def test_the_page_lists_them_so_and_does_not_call_it_ascending(client: Client, db: None) -> None:
    _orgs, officer, campaign = _city_campaign()
    login_verified(client, officer)
    body = client.get(
        reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk})
    ).content.decode()
    detail = body[body.index('id="detail-heading"') :]
    shown = re.findall(r'<tr><th scope="row">([^<]+)</th>', detail)
    assert [n for n in shown if n in COUNTIES] == COUNTIES
    assert shown.index(COUNTIES[-1]) < shown.index("平顶山市民政局")
    first_column = re.search(r"<th scope=\"col\"[^>]*>(.*?)</th>", detail)
    assert first_column is not None
    heading = first_column.group(1)
    assert 'aria-sort="other"' in detail
    assert "sorted ascending" not in heading
    assert "areas by region code, then departments" in heading
