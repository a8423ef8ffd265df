"""Uploads on an S3-compatible object store (``ZHUCAN_S3_BUCKET``): the settings build the
backend from the environment, and the application's own upload, readiness and download paths
work through it against an in-memory S3 endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhucan.core.health import readiness
from zhucan.testing.object_store import BUCKET
from zhucan.testing.object_store import object_store as in_memory_object_store

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.STORAGES['default']))"
)


def _storage_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZHUCAN_S3_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="zhucan.settings", ZHUCAN_DEMO_MODE="1")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_without_a_bucket_uploads_stay_in_the_media_folder() -> None:
    result = _storage_settings()
    assert json.loads(result.stdout)["BACKEND"].endswith("FileSystemStorage")


def test_a_bucket_in_the_environment_puts_uploads_on_the_object_store() -> None:
    result = _storage_settings(
        ZHUCAN_S3_BUCKET="zhucan",
        ZHUCAN_S3_ENDPOINT_URL="http://minio.intranet:9000",
        ZHUCAN_S3_ACCESS_KEY_ID="key",
        ZHUCAN_S3_SECRET_ACCESS_KEY="secret",
    )
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "zhucan"
    assert storage["OPTIONS"]["endpoint_url"] == "http://minio.intranet:9000"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_half_a_pair_of_credentials_stops_the_start() -> None:
    result = _storage_settings(ZHUCAN_S3_BUCKET="zhucan", ZHUCAN_S3_ACCESS_KEY_ID="key")
    assert result.returncode != 0
    assert "ZHUCAN_S3_SECRET_ACCESS_KEY" in result.stderr


@pytest.fixture
def object_store() -> Iterator[Any]:
    with in_memory_object_store() as client:
        yield client


def test_files_are_written_read_and_never_overwritten_on_the_object_store(
    object_store: Any,
) -> None:
    first = default_storage.save("exports/report.xlsx", ContentFile(b"first"))
    second = default_storage.save("exports/report.xlsx", ContentFile(b"second"))
    assert first != second
    stored = object_store.get_object(Bucket=BUCKET, Key=first)["Body"].read()
    assert stored == b"first"
    with default_storage.open(second, "rb") as handle:
        assert handle.read() == b"second"
    default_storage.delete(first)
    assert not default_storage.exists(first)


@pytest.mark.django_db
def test_readiness_checks_the_object_store_is_writable(object_store: Any) -> None:
    _ready, checks = readiness()
    assert checks["storage"]["ok"] is True
    object_store.delete_bucket(Bucket=BUCKET)
    _ready, checks = readiness()
    assert checks["storage"]["ok"] is False
