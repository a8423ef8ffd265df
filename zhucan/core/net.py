"""Where a request comes from, for the audit log and the login lockout."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, or None when it is not a valid IP address.

    Behind our TLS proxy (BEHIND_TLS_PROXY sets SECURE_PROXY_SSL_HEADER) every request comes
    from the proxy, so one locked address would lock everybody out; there the right-most
    X-Forwarded-For entry is the one our own proxy added, and so the only one we can trust.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
