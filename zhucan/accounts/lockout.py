"""Counting failed sign-ins: per user name, and per client address with a higher limit.

Reads only; the writes (counting an attempt under a row lock, auditing a lockout) are
services in services.py.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from zhucan.accounts.models import LoginAttempt
from zhucan.core.net import client_ip as client_ip  # re-exported for the views

# One address may fail this many times the per-user limit: an office behind one NAT address
# has many people mistyping, but a sprayer trying many user names still hits a wall quickly.
IP_FAILURE_FACTOR = 4


@dataclass(frozen=True)
class FailureCounts:
    username: int
    ip: int

    @property
    def locked(self) -> bool:
        return self.username >= max_failures() or self.ip >= max_failures_per_ip()


def max_failures() -> int:
    return int(settings.LOGIN_MAX_FAILURES)


def max_failures_per_ip() -> int:
    return max_failures() * IP_FAILURE_FACTOR


def window() -> timedelta:
    return timedelta(seconds=int(settings.LOGIN_LOCKOUT_SECONDS))


def retention() -> timedelta:
    """How long attempts are kept for investigating incidents (the count reads only the window)."""
    return timedelta(days=int(settings.LOGIN_ATTEMPT_RETENTION_DAYS))


def throttle_key(*, username: str = "", ip: str | None = None) -> str:
    """The LoginThrottle row that serialises the counting for a user name or an address."""
    return f"ip:{ip}" if ip else f"user:{username}"


def normalise_username(username: str) -> str:
    """The key failures are counted under: full-width letters, case and spaces do not matter."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def failure_counts(*, username: str, ip: str | None, now: datetime | None = None) -> FailureCounts:
    """Failures inside the window; a success resets the user name's count (not the address's,
    or an attacker could reset it by signing in to their own account now and then)."""
    since = (now or timezone.now()) - window()
    key = normalise_username(username)
    last_success = LoginAttempt.objects.filter(
        username=key, succeeded=True, at__gte=since
    ).aggregate(last=Max("at"))["last"]
    user_failures = LoginAttempt.objects.filter(username=key, succeeded=False, at__gte=since)
    if last_success is not None:
        user_failures = user_failures.filter(at__gt=last_success)
    ip_failures = 0
    if ip:
        ip_failures = LoginAttempt.objects.filter(ip=ip, succeeded=False, at__gte=since).count()
    return FailureCounts(username=user_failures.count(), ip=ip_failures)


def is_locked(*, username: str, ip: str | None) -> bool:
    return failure_counts(username=username, ip=ip).locked
