"""The client address for the lockout and the audit log: X-Forwarded-For only from our proxies."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.core.net import client_ip
from zhucan.testing.auth import sign_in


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.fixture
def behind_proxy(settings: Settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.5", "192.168.10.0/24"]


def test_without_trusted_proxies_the_header_is_ignored(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.20", "198.51.100.7")) == "203.0.113.20"


def test_a_direct_request_behind_the_proxy_setting_cannot_forge_its_address(
    behind_proxy: None,
) -> None:
    # Reaches the application without passing the proxy: the header is the client's own.
    assert client_ip(_request("203.0.113.20", "198.51.100.7")) == "203.0.113.20"
    assert client_ip(_request("203.0.113.20", "not an address")) == "203.0.113.20"


def test_through_a_trusted_proxy_the_address_it_saw_counts(behind_proxy: None) -> None:
    # The client wrote "10.9.9.9" itself; our proxy appended the address it saw.
    assert client_ip(_request("10.0.0.5", "10.9.9.9, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"


def test_a_chain_of_our_proxies_is_walked_from_the_right(behind_proxy: None) -> None:
    # client → edge proxy 192.168.10.3 → inner proxy 10.0.0.5 → application.
    request = _request("10.0.0.5", "1.2.3.4, 198.51.100.7, 192.168.10.3")
    assert client_ip(request) == "198.51.100.7"
    # Garbage where only our proxies write: nothing trustworthy to report.
    assert client_ip(_request("10.0.0.5", "198.51.100.7, bogus")) is None


def test_ipv6_networks_are_understood(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["::1", "fd00::/8"]
    assert client_ip(_request("fd00::2", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(_request("2001:db8::9", "2001:db8::7")) == "2001:db8::9"


def test_the_audited_address_of_a_direct_request_is_its_own(
    client: Client, world: World, behind_proxy: None
) -> None:
    sign_in(
        client,
        "member_unit_reporter",
        REMOTE_ADDR="203.0.113.20",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    entry = AuditEntry.objects.get(action="accounts.login.succeeded")
    assert entry.ip == "203.0.113.20"
    client.logout()

    sign_in(
        client,
        "member_unit_reporter",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    latest = AuditEntry.objects.filter(action="accounts.login.succeeded").latest("pk")
    assert latest.ip == "198.51.100.99"
    assert client.get(reverse("core:home")).status_code == 200


def test_a_forged_header_does_not_dodge_the_address_lockout(
    client: Client, world: World, behind_proxy: None, settings: Settings
) -> None:
    settings.LOGIN_MAX_FAILURES = 1  # four failures per address lock it
    for n in range(4):
        sign_in(
            client,
            f"guess{n}",
            "Wrong-password-1",
            REMOTE_ADDR="203.0.113.20",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = sign_in(
        client, "member_unit_reporter", REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert response.status_code == 200  # refused: the address is locked, whatever it claims


def test_only_a_trusted_proxy_may_say_the_request_came_over_https(
    behind_proxy: None, settings: Settings, client: Client
) -> None:
    """Django believes X-Forwarded-Proto from anyone once SECURE_PROXY_SSL_HEADER is set: a
    direct request could pass as HTTPS (no redirect, secure-only cookies sent over plain HTTP)."""
    settings.SECURE_SSL_REDIRECT = True
    url = reverse("accounts:login")
    direct = client.get(url, REMOTE_ADDR="203.0.113.20", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct["Location"].startswith("https://")
    proxied = client.get(url, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
