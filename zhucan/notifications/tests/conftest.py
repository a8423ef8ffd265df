"""Notifications for the standard people, and a clean SMS outbox for every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from zhucan.notifications import sms
from zhucan.notifications.models import Notification
from zhucan.notifications.services import notify


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English (the msgids), whatever is translated."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SmsMessage]]:
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def send() -> Callable[..., Notification]:
    """Notify one person (in app only, as a service would) and return their newest one."""

    def send(user: Any, title: str = "请签收通知", **fields: Any) -> Notification:
        options: dict[str, Any] = {"kind": "reminder", "email": False} | fields
        with transaction.atomic():
            notify(users=[user], title=title, **options)
        return Notification.objects.filter(user=user).latest("id")

    return send
