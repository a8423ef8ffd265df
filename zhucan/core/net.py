"""Where a request comes from, for the audit log and the login lockout."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: Address, nets: Iterable[Network]) -> bool:
    return any(address in net for net in nets)


def address_in(address: str, entries: Iterable[str]) -> bool:
    """Whether ``address`` is in one of the networks (or addresses) listed in ``entries``."""
    parsed = _parse(address)
    return parsed is not None and _is_trusted(parsed, _networks(tuple(entries)))


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, or None when it is not a valid IP address.

    X-Forwarded-For is anyone's to write, so it is read only when the request reaches us from
    one of our own proxies (TRUSTED_PROXIES). Each proxy appends the address it received the
    request from, so the list is read from the right: our proxies' entries are skipped, and the
    first address that is not one of ours is the client. Everything to its left was written by
    the client and is ignored. A request straight to the application (bypassing the proxy) is
    judged by its own address, whatever headers it brings.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    nets = trusted_proxies()
    if not nets or not _is_trusted(remote, nets):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = remote
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop = _parse(entry)
        if hop is None:
            # A proxy of ours writes addresses only: garbage came from the client's side.
            return None
        client = hop
        if not _is_trusted(hop, nets):
            break
    return str(client)


# Headers only our own proxies may set. Django reads X-Forwarded-Proto through
# SECURE_PROXY_SSL_HEADER (is the request HTTPS? then secure cookies and no redirect) and would
# believe anyone; X-Forwarded-Host likewise if USE_X_FORWARDED_HOST were ever turned on.
PROXY_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")


def from_trusted_proxy(request: HttpRequest) -> bool:
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and _is_trusted(remote, trusted_proxies())


class UntrustedProxyHeadersMiddleware:
    """Drops the proxy headers of a request that did not come through one of our proxies, so a
    client reaching the application directly cannot claim HTTPS. First in MIDDLEWARE: Django's
    SecurityMiddleware decides on the HTTPS redirect from them."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if not from_trusted_proxy(request):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
