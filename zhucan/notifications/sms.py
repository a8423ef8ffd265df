"""Text messages (短信), sent through a pluggable backend as Django sends email.

``settings.SMS_BACKEND`` names the backend class (env ``ZHUCAN_SMS_BACKEND``). ``LogBackend``,
the default, only writes each message to the log with the number masked; ``LocmemBackend``
keeps them in ``outbox`` for tests. A real gateway is one more subclass of ``BaseBackend``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("zhucan.sms")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


def mask_number(number: str) -> str:
    """138****5678: enough to tell numbers apart in a log, too little to call anyone."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


class BaseBackend:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many were sent."""
        raise NotImplementedError


class LogBackend(BaseBackend):
    """Writes each message to the "zhucan.sms" log (INFO), the number masked."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS to %s: %s", mask_number(message.to), message.text)
        return len(messages)


# What LocmemBackend has "sent"; tests read and clear it.
outbox: list[SmsMessage] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend(path: str | None = None, **kwargs: Any) -> BaseBackend:
    dotted: str = path or settings.SMS_BACKEND
    backend_class: type[BaseBackend] = import_string(dotted)
    return backend_class(**kwargs)


def send_sms(numbers: Iterable[str], text: str) -> int:
    """Send ``text`` once to each distinct non-empty number; return how many were sent."""
    distinct = sorted({n.strip() for n in numbers if n and n.strip()})
    if not distinct:
        return 0
    return get_backend().send_messages([SmsMessage(to=n, text=text) for n in distinct])
