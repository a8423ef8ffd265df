from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from zhucan.notifications.bell import unread_count


def bell(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """``unread_notifications`` for the header's bell: a callable, so the COUNT query runs only
    when a template uses it, and once per request however often it does (kept briefly
    between requests, ``bell.py``)."""
    user: Any = getattr(request, "user", None)

    @cache
    def unread_notifications() -> int:
        if user is None or not user.is_authenticated:
            return 0
        match = request.resolver_match
        return unread_count(user, fresh=bool(match and match.namespace == "notifications"))

    return {"unread_notifications": unread_notifications}
