"""The to-do list on each person's home page. Apps register providers; the home page asks them.

A provider is a function (user) -> list[Todo]. Later apps (receipts to sign, plans to review,
reports due) add theirs in their AppConfig.ready(), so the home page needs no knowledge of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    due: datetime | None = None
    detail: str = ""


Provider = Callable[[Any], list[Todo]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(user: Any) -> list[Todo]:
    items: list[Todo] = []
    for provider in _providers:
        items.extend(provider(user))
    far_future = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda t: (t.due or far_future, t.title))
