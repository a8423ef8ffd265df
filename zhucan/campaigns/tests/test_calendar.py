from datetime import date

import pytest

from zhucan.campaigns.calendar import day_in_year, edition_in_year
from zhucan.campaigns.models import CampaignKind


@pytest.mark.parametrize(
    ("year", "edition", "day"),
    [
        (1991, 1, date(1991, 5, 19)),
        (2020, 30, date(2020, 5, 17)),
        (2021, 31, date(2021, 5, 16)),
        (2026, 36, date(2026, 5, 17)),
    ],
)
def test_national_day_for_helping_the_disabled(
    db: None, year: int, edition: int, day: date
) -> None:
    kind = CampaignKind.objects.get(name="全国助残日")
    assert day_in_year(kind, year) == day
    assert day.weekday() == 6
    assert edition_in_year(kind, year) == edition


def test_fixed_days_and_days_without_a_rule(db: None) -> None:
    assert day_in_year(CampaignKind.objects.get(name="全国爱耳日"), 2021) == date(2021, 3, 3)
    assert day_in_year(CampaignKind.objects.get(name="全国特殊教育宣传周"), 2021) is None
    assert edition_in_year(CampaignKind.objects.get(name="全国爱耳日"), 1999) is None
