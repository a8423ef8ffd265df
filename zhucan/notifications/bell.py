"""The unread count on the header's bell, kept in the cache for a short while.

Every signed-in page shows it, so counting on every page view costs a query a page. The
services that change it (``notify``, marking read) drop the kept count once they commit; where
the cache is per process (no Redis), another process may show the old count until it expires.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from zhucan.notifications.models import Notification

BELL_CACHE_SECONDS = 30


def _key(user_id: int) -> str:
    return f"zhucan:bell:{user_id}"


def unread_count(user: Any) -> int:
    count = cache.get(_key(user.pk))
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        cache.set(_key(user.pk), count, BELL_CACHE_SECONDS)
    return int(count)


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the kept counts of these people once the caller's transaction commits."""
    keys = [_key(pk) for pk in user_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))
