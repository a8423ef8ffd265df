"""A photo uploaded while the uploads live on an S3-compatible object store
(``ZHUCAN_S3_BUCKET``): its files are written there, not to the media folder, and the report's
page serves it back through the same permission checks."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.services import add_photo
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report
from zhucan.testing.object_store import BUCKET
from zhucan.testing.object_store import object_store as in_memory_object_store


@pytest.fixture
def object_store() -> Iterator[Any]:
    with in_memory_object_store() as client:
        yield client


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (220, 0, 0)).save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_photo_is_stored_on_the_object_store_and_served_to_those_who_may_see_it(
    object_store: Any,
    world: World,
    campaign: Campaign,
    county_reporter: User,
    client: Client,
) -> None:
    report = make_report(campaign=campaign, organisation=world.county_a, by=county_reporter)
    photo = add_photo(by=county_reporter, report=report, upload=_jpeg(), consent=True)

    keys = {o["Key"] for o in object_store.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {photo.image.name, photo.thumbnail.name} <= keys

    login_verified(client, county_reporter)
    response = client.get(reverse("activities:photo", args=[photo.pk]))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    stored = object_store.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()
    assert served == stored and served[:2] == b"\xff\xd8"

    client.logout()
    login_verified(client, world.county_b_officer)
    assert client.get(reverse("activities:photo", args=[photo.pk])).status_code == 404
