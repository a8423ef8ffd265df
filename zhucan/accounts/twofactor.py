"""Second factor (TOTP app plus single-use backup codes): who needs it and how codes are checked.

Reads and helpers only; enabling, resetting and completing a sign-in are services.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import user_has_device, verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from zhucan.orgs.access import requires_second_factor

# Session keys.
SETUP_KEY_SESSION = "zhucan_totp_setup_key"  # the secret being set up, until it is confirmed
PENDING_SESSION = "zhucan_second_factor_pending"  # password accepted, code still to come
BACKUP_CODES_SESSION = "zhucan_new_backup_codes"  # shown once, on the page after set-up
NEXT_SESSION = "zhucan_second_factor_next"

TOTP_DIGITS = 6
BACKUP_CODE_COUNT = 10
# Digits only, so that phone users get the number pad for both kinds of code; ten digits set
# them apart from the six-digit app codes, and lockout plus throttling make guessing hopeless.
BACKUP_CODE_DIGITS = 10


def is_verified(user: Any) -> bool:
    """True when OTPMiddleware found a confirmed device of this user in the session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_confirmed_totp(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: Any) -> bool:
    """Whether this person must give a code: their role needs it, or they chose to use it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.REQUIRE_2FA and requires_second_factor(user):
        return True
    # Someone who set it up voluntarily (for example in the demo) must then use it.
    return bool(user_has_device(user, confirmed=True))


def needs_second_factor(user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and not is_verified(user)
        and second_factor_required(user)
    )


def challenge_url(user: Any, next_url: str = "") -> str:
    """Where a signed-in but unverified person goes: set-up without an app, else the code page."""
    name = "accounts:two_factor_verify" if has_confirmed_totp(user) else "accounts:two_factor_setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def new_secret() -> str:
    """A fresh TOTP secret (hex, 20 random bytes as RFC 4226 recommends)."""
    return str(random_hex(20))


def readable_key(hex_key: str) -> str:
    """The secret as authenticator apps ask for it (base32), in groups of four for typing."""
    text = b32encode(unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(*, user: Any, hex_key: str) -> SafeString:
    """The otpauth:// set-up link as an inline SVG QR code (no image request, no inline style)."""
    uri = TOTPDevice(user=user, key=hex_key).config_url
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
        title=_("QR code for setting up your authenticator app"),
    )
    label = escape(_("QR code for setting up your authenticator app"))
    # segno escapes the title and writes only attributes we know; role and label make the
    # picture announce itself as one image instead of a graphic without a name.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    )


@dataclass(frozen=True)
class SetupMatch:
    t: int
    drift: int


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes (as shown, in groups); only digits count."""
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def match_setup_code(hex_key: str, code: str) -> SetupMatch | None:
    """Check the first code from a new app against the secret that is not saved yet."""
    code = normalise_code(code)
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    totp = TOTP(unhexlify(hex_key), digits=TOTP_DIGITS)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return SetupMatch(t=totp.t(), drift=totp.drift)
    return None


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    # True when a device refused to check at all because of too many recent failures.
    throttled: bool = False


def check_code(user: Any, code: str) -> CodeCheck:
    """Check an app code or a backup code. Uses django-otp's verify_token, which refuses a
    code that was already used (last_t), allows one step of clock drift, deletes a used
    backup code, and backs off exponentially after failures."""
    code = normalise_code(code)
    if not code.isdigit():
        return CodeCheck(device=None)
    model: type[Device] = TOTPDevice if len(code) == TOTP_DIGITS else StaticDevice
    throttled = False
    for device in model.objects.filter(user=user, confirmed=True):
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck(device=None, throttled=throttled)


def new_backup_codes() -> list[str]:
    limit = 10**BACKUP_CODE_DIGITS
    return [f"{secrets.randbelow(limit):0{BACKUP_CODE_DIGITS}d}" for _i in range(BACKUP_CODE_COUNT)]


def readable_backup_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
