"""The demo's help requests: a dozen, in several counties, in every state, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhucan.helprequests.models import HelpRequest


@pytest.mark.django_db
def test_the_demo_has_a_dozen_requests_in_every_state() -> None:
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert HelpRequest.objects.count() == 12
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(
        HelpRequest.Status.values
    )
    assert HelpRequest.objects.values("organisation").distinct().count() >= 5
