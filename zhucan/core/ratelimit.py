"""Fixed-window counters shared by every app server: "at most N of this per key per hour".

One row per (key, window) in ``core.RateWindow``, counted up by one statement,
``INSERT … ON CONFLICT (key, bucket) DO UPDATE SET count = count + 1 RETURNING count``, which
PostgreSQL (and SQLite from 3.35) run atomically: two servers counting the same key at the same
instant both see their own, different, number, and never both the same. The cache is not used:
without Redis it is per process, so a limit counted there is multiplied by the number of app
servers (and of worker processes in each).

A counter is not a change anyone made, so it writes no audit entry. Windows that have ended are
removed when a new window starts (one indexed delete an hour per key, at most), so no cron job
is needed and the table holds about one window per key that was active in the last one.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.db import connection

from zhucan.core.models import RateWindow

_TABLE = connection.ops.quote_name(RateWindow._meta.db_table)
# Fixed text (our table's name, quoted), the values as parameters.
_UPSERT = (
    f'INSERT INTO {_TABLE} ("key", "bucket", "count", "expires_at") VALUES (%s, %s, 1, %s) '  # noqa: S608
    f'ON CONFLICT ("key", "bucket") DO UPDATE SET "count" = {_TABLE}."count" + 1 RETURNING "count"'
)


def hit(*, key: str, per_seconds: int) -> int:
    """Count one more for ``key`` in the current window of ``per_seconds``; return the count
    so far in this window, this one included."""
    now = time.time()
    bucket = int(now // per_seconds)
    expires_at = datetime.fromtimestamp((bucket + 1) * per_seconds, tz=UTC)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key[:120], bucket, expires_at])
        row = cursor.fetchone()
    count = int(row[0])
    if count == 1:
        RateWindow.objects.filter(expires_at__lt=datetime.fromtimestamp(now, tz=UTC)).delete()
    return count


def over_limit(*, key: str, limit: int, per_seconds: int) -> bool:
    """Count this try and say whether it is over ``limit`` tries in the current window."""
    return hit(key=key, per_seconds=per_seconds) > limit
