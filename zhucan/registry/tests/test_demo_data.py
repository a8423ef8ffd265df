"""The demo's register loads through the services and shows on the coverage page."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.core.models import AuditEntry
from zhucan.registry.models import Assistance, Person
from zhucan.testing.auth import login_verified


def test_demo_register_with_people_helped_and_waiting(client: Client, db: None) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Through the services: every person and every help given has its audit entry.
    people = Person.objects.count()
    assert AuditEntry.objects.filter(action="registry.person.registered").count() == people
    helps = Assistance.objects.count()
    assert AuditEntry.objects.filter(action="registry.assistance.recorded").count() == helps
    campaign = Campaign.objects.get(notice__doc_number__contains="2号", year=2020, parent=None)
    login_verified(client, User.objects.get(username="city_officer"))
    page = client.get(reverse("registry:coverage", kwargs={"campaign_pk": campaign.pk}))
    result = page.context["result"]
    # The demo helps only people in need, so everyone it helped counts as helped.
    helped = Assistance.objects.filter(campaign=campaign).values("person").distinct().count()
    assert result.totals.helped == helped and result.totals.not_helped > 0
