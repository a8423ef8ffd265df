"""Consent to publication recorded after the upload puts the photo on the public story page;
withdrawing it takes the photo off at once, although the page was stored in the cache."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.test import Client

from zhucan.activities.services import record_photo_public_consent
from zhucan.conftest import World
from zhucan.portal.tests.factories import Portal

COUNTY_A = "/p/410402/"
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_a_photo_is_published_once_consent_is_recorded_and_unpublished_once_withdrawn(
    client: Client,
    world: World,
    portal: Portal,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    story = f"{COUNTY_A}stories/{portal.story.pk}/"
    photo = f"{COUNTY_A}photos/{portal.unconsented.pk}/"
    assert photo not in client.get(story).content.decode()
    assert client.get(story)["X-Portal-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        record_photo_public_consent(
            photo=portal.unconsented,
            by=world.city_officer,
            consent=True,
            note="家属书面同意 2026-05-20",
        )
    shown = client.get(story)
    assert shown["X-Portal-Cache"] == "miss"
    assert photo in shown.content.decode()
    assert client.get(photo).status_code == 200
    assert client.get(story)["X-Portal-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        record_photo_public_consent(
            photo=portal.unconsented, by=world.county_a_officer, consent=False, note=""
        )
    hidden = client.get(story)
    assert hidden["X-Portal-Cache"] == "miss"
    assert photo not in hidden.content.decode()
    assert client.get(photo).status_code == 404
