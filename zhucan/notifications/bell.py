"""The unread count on the header's bell, kept in the cache for a short while.

Every signed-in page shows it, so counting on every page view costs a query a page. The
services that change it (``notify``, marking read) drop the kept count; where the cache is per
process (no Redis), another process may show the old count until it expires. The notifications'
own pages always count afresh, so the list and its bell agree after marking read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from zhucan.notifications.models import Notification

BELL_CACHE_SECONDS = 30


def _key(user_id: int) -> str:
    return f"zhucan:bell:{user_id}"


def unread_count(user: Any, *, fresh: bool = False) -> int:
    count = None if fresh else cache.get(_key(user.pk))
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        cache.set(_key(user.pk), count, BELL_CACHE_SECONDS)
    return int(count)


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Drop the kept counts of these people (at once: a page they open before the caller's
    transaction commits may keep the old count, for BELL_CACHE_SECONDS at most)."""
    keys = [_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
