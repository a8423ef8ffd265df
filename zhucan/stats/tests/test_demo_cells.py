"""The demo's accepted reports reach the statistics through the review services' hooks."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport
from zhucan.stats.models import Cell
from zhucan.stats.tests.test_rollups import cells
from zhucan.testing.auth import login_verified


def test_load_demo_fills_the_cells_as_a_rebuild_would(client: Client, db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    loaded = cells()
    assert Cell.objects.filter(metric="reports", value__gt=1).exists()
    call_command("rebuild_stats", stdout=io.StringIO())
    assert cells() == loaded
    accepted = ActivityReport.objects.filter(status=ActivityReport.Status.ACCEPTED)
    login_verified(client, User.objects.get(username="city_officer"))
    page = client.get(reverse("stats:home"), follow=True)
    assert page.status_code == 200
    assert page.context["board"].total.reports == accepted.count() > 1
    served = accepted.aggregate(n=Sum("disabled_served"))["n"]
    assert page.context["board"].total.get("disabled_served") == served
