"""Campaigns add their own indicators; reports of the campaign and its cascade give them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhucan.activities.models import Indicator
from zhucan.activities.services.reports import indicators_for
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services import create_child_campaign, publish_campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


def page(campaign: Campaign) -> str:
    return reverse("activities:indicators", kwargs={"campaign_pk": campaign.pk})


def test_a_coordinator_adds_an_indicator_the_cascade_uses(
    client: Client, world: World, campaign: Campaign
) -> None:
    login_verified(client, world.city_officer)
    response = client.post(
        page(campaign),
        {"add": "1", "name": "送教上门次数", "unit": "count", "categories": ["education"]},
    )
    assert response.status_code == 302
    added = Indicator.objects.get(campaign=campaign)
    assert added.categories == ["education"] and added.applies_to("education")
    assert AuditEntry.objects.filter(action="activities.indicator.added").count() == 1
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    child = publish_campaign(by=world.county_a_officer, campaign=child)
    assert added in indicators_for(child)
    text = client.get(page(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "送教上门次数" in text


def test_bad_input_and_duplicates_are_refused(
    client: Client, world: World, campaign: Campaign
) -> None:
    login_verified(client, world.city_officer)
    empty = client.post(page(campaign), {"add": "1", "name": " ", "unit": "count"})
    assert "data-error-summary" in empty.content.decode()
    dup = client.post(
        page(campaign),
        {"add": "1", "name": "走访慰问困难家庭户数", "unit": "count"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "There is already an indicator named" in dup.content.decode()
    assert not Indicator.objects.filter(campaign=campaign).exists()


def test_only_the_issuers_coordinators_change_them(
    client: Client, world: World, campaign: Campaign
) -> None:
    login_verified(client, world.county_a_officer)
    assert client.get(page(campaign)).status_code == 200  # the county reads them
    response = client.post(page(campaign), {"add": "1", "name": "x", "unit": "count"})
    assert response.status_code == 403
    assert not Indicator.objects.filter(campaign=campaign).exists()


def test_an_indicator_in_use_stays(client: Client, world: World, campaign: Campaign) -> None:
    from decimal import Decimal

    login_verified(client, world.city_officer)
    client.post(page(campaign), {"add": "1", "name": "送教上门次数", "unit": "count"})
    added = Indicator.objects.get(campaign=campaign)
    make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        values={added.pk: Decimal(3)},
    )
    client.post(page(campaign), {"remove": str(added.pk)})
    assert Indicator.objects.filter(pk=added.pk).exists()
    unused = Indicator.objects.create(campaign=campaign, code="c-x", name="未用指标")
    client.post(page(campaign), {"remove": str(unused.pk)})
    assert not Indicator.objects.filter(pk=unused.pk).exists()
