"""The demo's register loads through the services and shows on the coverage page."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.registry.models import Assistance, EducationCase, Person
from zhucan.testing.auth import login_verified


def test_demo_register_with_people_helped_and_waiting(client, db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Person.objects.count() == 36
    assert Assistance.objects.filter(visit__isnull=False).count() == 5
    assert EducationCase.objects.count() == 1
    campaign = Campaign.objects.get(notice__doc_number__contains="2号", year=2020, parent=None)
    login_verified(client, User.objects.get(username="city_officer"))
    page = client.get(reverse("registry:coverage", kwargs={"campaign_pk": campaign.pk}))
    result = page.context["result"]
    assert result.totals.helped == 7 and result.totals.not_helped > 0
    assert {r.area.short_name for r in result.rows} == {"新华区残工委", "叶县残工委"}
