"""The counts every county reports are default indicators; each is written in the summary as
a sentence with its unit; the households visited are entered once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.activities.models import Indicator, IndicatorValue
from zhucan.activities.services import ReportInput, VisitInput, add_indicator, save_report
from zhucan.activities.wording import figure_phrase
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.summaries.document.content import indicator_phrase
from zhucan.summaries.selectors import IndicatorTotal
from zhucan.testing.auth import login_verified

NEW_DEFAULTS = {
    "gifts": "发放慰问品{n}件",
    "publicity_items": "发放宣传品{n}件",
    "townships_covered": "覆盖乡镇（街道）{n}个",
    "villages_covered": "覆盖村（社区）{n}个",
    "organisations_involved": "动员{n}家单位参与",
}


def test_the_counts_counties_report_are_default_indicators(db: None) -> None:
    defaults = {i.code: i for i in Indicator.objects.filter(campaign=None)}
    assert set(NEW_DEFAULTS) <= set(defaults)
    for code, phrase in NEW_DEFAULTS.items():
        assert defaults[code].phrase == phrase and defaults[code].measure
        assert defaults[code].unit == Indicator.Unit.COUNT
    # Every default indicator, old and new, has a sentence the summary writes it in.
    assert all("{n}" in i.phrase for i in defaults.values())
    # The codes the first set gave stay as they were.
    assert {"households_visited", "leaflets", "assistive_devices"} <= set(defaults)


def _total(**fields: Any) -> IndicatorTotal:
    defaults: dict[str, Any] = {"code": "c1-1", "unit": "count", "value": Decimal(150)}
    return IndicatorTotal(**(defaults | fields))


@pytest.mark.parametrize(
    ("fields", "written"),
    [
        ({"name": "慰问品件数", "measure": "件", "phrase": "发放慰问品{n}件"}, "发放慰问品150件"),
        ({"name": "发放慰问品件数", "measure": "件"}, "发放慰问品150件"),
        ({"name": "参与志愿者人数", "measure": "人"}, "参与志愿者150人"),
        ({"name": "覆盖村数", "measure": "个"}, "覆盖村150个"),
        ({"name": "送教上门", "measure": "次"}, "送教上门150次"),
        ({"name": "助学金金额（元）", "unit": "yuan", "value": Decimal(25000)}, "助学金2.5万元"),
        ({"name": "宣传册", "measure": ""}, "宣传册150"),
    ],
)
def test_an_indicator_reads_as_a_sentence_with_its_unit(
    fields: dict[str, Any], written: str
) -> None:
    assert indicator_phrase(_total(**fields)) == written


def test_the_summary_of_a_default_indicator_uses_its_stored_sentence(db: None) -> None:
    gifts = Indicator.objects.get(campaign=None, code="gifts")
    total = _total(code="gifts", name=gifts.name, measure=gifts.measure, phrase=gifts.phrase)
    assert indicator_phrase(total) == "发放慰问品150件"


def test_a_coordinator_gives_the_measure_word_and_sees_the_sentence(
    client: Client, world: World, campaign: Campaign
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("activities:indicators", kwargs={"campaign_pk": campaign.pk})
    response = client.post(
        url, {"add": "1", "name": "送教上门次数", "unit": "count", "measure": "次"}
    )
    assert response.status_code == 302
    added = Indicator.objects.get(campaign=campaign)
    assert added.measure == "次"
    page = client.get(url).content.decode()
    assert "送教上门150次" in page and "发放慰问品150件" in page


def test_a_measure_word_must_be_short_and_not_a_number(world: World, campaign: Campaign) -> None:
    with pytest.raises(DomainError) as caught:
        add_indicator(
            by=world.city_officer, campaign=campaign, name="x", unit="count", measure="12"
        )
    assert caught.value.field == "measure"
    assert not Indicator.objects.filter(campaign=campaign).exists()


def test_the_indicators_page_calls_the_name_a_name_of_a_thing(
    client: Client, world: World, campaign: Campaign
) -> None:
    """名称, not 姓名 (a person's name)."""
    login_verified(client, world.city_officer)
    url = reverse("activities:indicators", kwargs={"campaign_pk": campaign.pk})
    with translation.override("zh-hans"):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<th scope="col">名称</th>' in body and "姓名" not in body
    assert figure_phrase(name="x", unit="count", measure="", phrase="", value=Decimal(1)) == "x1"


# --- Households visited, entered once ---------------------------------------------------


def _data(**overrides: Any) -> ReportInput:
    values: dict[str, Any] = {
        "category": "visit",
        "title": "走访慰问困难残疾人家庭",
        "start_date": date(2020, 5, 15),
        "end_date": date(2020, 5, 17),
        "mode": "in_person",
    }
    return ReportInput(**(values | overrides))


def test_the_visits_give_the_households_figure(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=_data(
            visits=[
                VisitInput(kind="household", households=20),
                VisitInput(kind="household", households=15),
            ]
        ),
    )
    assert IndicatorValue.objects.get(report=report, indicator=households).value == 35


def test_the_visits_win_over_a_households_figure_beside_them(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    """The edit form shows the last sum in the figure field; visits changed to 35 households
    make the figure 35, not a second, different count of the same households."""
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=_data(
            values={households.pk: Decimal(30)},
            visits=[VisitInput(kind="household", households=35)],
        ),
    )
    assert IndicatorValue.objects.get(report=report, indicator=households).value == 35


def test_without_visits_the_households_figure_stands(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=_data(values={households.pk: Decimal(30)}),
    )
    assert IndicatorValue.objects.get(report=report, indicator=households).value == 30
