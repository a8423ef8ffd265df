"""The report form offers only the institutions inside the reporting organisation's area, and
a forged choice of another county's institution is refused by the form and by the service."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Institution
from zhucan.activities.services import ReportInput, VisitInput, add_institution, save_report
from zhucan.activities.tests.test_report_pages import form_data
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation, Region
from zhucan.testing.auth import login_verified


def institution(by: User, organisation: Organisation, name: str, code: str) -> Institution:
    return add_institution(
        by=by,
        organisation=organisation,
        name=name,
        kind="welfare_home",
        region=Region.objects.get(code=code),
    )


@pytest.fixture
def homes(world: World) -> tuple[Institution, Institution]:
    return (
        institution(world.county_a_officer, world.county_a, "新华区福利院", "410402"),
        institution(world.county_b_officer, world.county_b, "叶县福利院", "410422"),
    )


def test_the_form_lists_only_the_counties_own_institutions(
    client: Client,
    world: World,
    campaign: Campaign,
    county_reporter: User,
    homes: tuple[Institution, Institution],
) -> None:
    own, neighbours = homes
    login_verified(client, county_reporter)
    page = client.get(reverse("activities:new", kwargs={"campaign_pk": campaign.pk}))
    choices = dict(page.context["formset"].forms[0].fields["institution"].choices)
    assert own.pk in choices and neighbours.pk not in choices
    # The city's unit reports for the whole city: both counties' institutions are in its area.
    login_verified(client, world.member_unit_reporter)
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    choices = dict(client.get(url).context["formset"].forms[0].fields["institution"].choices)
    assert {own.pk, neighbours.pk} <= set(choices)


def test_a_forged_institution_of_another_county_is_a_form_error(
    client: Client,
    world: World,
    campaign: Campaign,
    county_reporter: User,
    homes: tuple[Institution, Institution],
) -> None:
    _own, neighbours = homes
    login_verified(client, county_reporter)
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url)
    visit = {"visit-0-kind": "institution", "visit-0-institution": str(neighbours.pk)}
    data = form_data(page) | {"visit-TOTAL_FORMS": "1", "visit-INITIAL_FORMS": "0"} | visit
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose an institution from the list." in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_the_service_refuses_another_countys_institution(
    world: World, campaign: Campaign, county_reporter: User, homes: tuple[Institution, Institution]
) -> None:
    _own, neighbours = homes
    with pytest.raises(DomainError, match="is not in the area of"):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=ReportInput(
                category="visit",
                title="慰问福利院",
                start_date=date(2020, 5, 15),
                end_date=date(2020, 5, 15),
                mode="in_person",
                visits=[VisitInput(kind="institution", institution=neighbours)],
            ),
        )
    assert not ActivityReport.objects.exists()
