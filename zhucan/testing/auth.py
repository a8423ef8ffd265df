"""Signing test clients in, as after a real two-step sign-in or only its first step."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# The password make_user gives everyone.
TEST_PASSWORD = "Test-password-123"  # noqa: S105 - test fixture password


def login_verified(client: Client, user: Any) -> Client:
    """Log ``user`` in with a confirmed TOTP device, as after a real two-step sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    """Post the sign-in form as a person would; returns the response (not followed)."""
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def totp_code(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    """The code the person's authenticator app shows now (or some 30-second steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_from_now * device.step
    return f"{totp.token():0{device.digits}d}"
