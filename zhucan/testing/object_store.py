"""An S3-compatible object store in memory (moto) behind the default storage, for the tests of
uploads kept on an object store (``ZHUCAN_S3_BUCKET``, zhucan/settings.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from django.conf import settings
from django.test import override_settings
from moto import mock_aws

BUCKET = "zhucan-media"


def s3_storages() -> dict[str, Any]:
    """STORAGES as the settings make them for a bucket, pointed at the in-memory endpoint."""
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",  # noqa: S106 - the in-memory endpoint takes any
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }


@contextmanager
def object_store() -> Iterator[Any]:
    """The default storage on an empty in-memory bucket; yields a boto3 client to look in it.
    Django builds the storages again when STORAGES changes (its setting_changed signal)."""
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        with override_settings(STORAGES=s3_storages()):
            yield client
