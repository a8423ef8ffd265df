"""Account-level guards that run on every request.

They run before MessageMiddleware in MIDDLEWARE, so they cannot use django.contrib.messages;
they send people to the sign-in page with a ``reason`` that the page turns into a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from zhucan.accounts import twofactor

Handler = Callable[[HttpRequest], HttpResponse]

# Requests that must not count as the person being active (the timeout warning polls these).
PASSIVE_PATHS = ("/accounts/session/status/",)

# How long a verified device stays in the cache unread; a removal makes a new key at once.
VERIFIED_DEVICE_CACHE_SECONDS = 60 * 60

# Why someone was sent to the sign-in page; the page shows the matching message.
REASON_IDLE = "idle"
REASON_DISABLED = "disabled"
REASON_LOCKED = "locked"


def login_url(*, reason: str, next_url: str = "") -> str:
    query = {"reason": reason}
    if next_url:
        query["next"] = next_url
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}"


def _next_for(request: HttpRequest) -> str:
    # Only pages can be returned to: a POST target would answer 405 after signing in again.
    return request.get_full_path() if request.method in ("GET", "HEAD") else ""


class ActiveAccountMiddleware:
    """Ends the session of an account that was disabled while it was signed in.

    Django's ModelBackend.get_user() does not load disabled accounts, so such a person arrives
    here as anonymous with their id still in the session. Without this they would only be
    bounced to the sign-in page with no word of why; the request never reaches a view.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        if user.is_authenticated:
            disabled = not user.is_active
        else:
            user_id = request.session.get(SESSION_KEY)
            disabled = (
                user_id is not None
                and get_user_model().objects.filter(pk=user_id, is_active=False).exists()
            )
        if disabled:
            logout(request)
            return HttpResponseRedirect(login_url(reason=REASON_DISABLED))
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends people who must give a second factor, and have not yet, to set-up or the code page.

    Place right after ActiveAccountMiddleware (after OTPMiddleware, which adds is_verified()).
    Only the pages needed to finish signing in (or give up) stay open until then.
    """

    OPEN_URL_NAMES = (
        "accounts:two_factor_enrol",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:logout",
        "accounts:display",
        "accounts:session_status",
        "accounts:session_extend",
        "core:healthz",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def _is_open(self, request: HttpRequest) -> bool:
        if self._open_paths is None:
            # Reversed on first use: the URLconf is not ready when middleware is built.
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES)
        path = request.path_info
        return path in self._open_paths or path.startswith(str(settings.STATIC_URL))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and not self._is_open(request) and twofactor.needs_second_factor(user):
            return HttpResponseRedirect(twofactor.challenge_url(user, _next_for(request)))
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Keeps someone who signed in with a temporary password (set by an administrator, who
    therefore knows it) on the password page until they have chosen their own.

    Place right after SecondFactorMiddleware: the second factor comes first, so the
    temporary password alone opens nothing.
    """

    OPEN_URL_NAMES = (
        "accounts:password_change",
        "accounts:logout",
        "accounts:display",
        "accounts:session_status",
        "accounts:session_extend",
        "core:healthz",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def _is_open(self, request: HttpRequest) -> bool:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES)
        path = request.path_info
        return path in self._open_paths or path.startswith(str(settings.STATIC_URL))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._is_open(request)
        ):
            url = reverse("accounts:password_change")
            next_url = _next_for(request)
            return HttpResponseRedirect(
                f"{url}?{urlencode({'next': next_url})}" if next_url else url
            )
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without activity.

    The stamp of the last activity is moved only once it is SESSION_IDLE_STAMP_SLACK seconds
    old: otherwise every page view would write the session row. The stamp then lags the real
    last activity by less than the slack, so a session ends at most that much *earlier* than
    the full timeout after the last activity, never later (the warning reads the same stamp).
    """

    SESSION_KEY = "zhucan_last_activity"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            passive = request.path_info.startswith(PASSIVE_PATHS)
            if seconds_left(request, now=now) <= 0:
                logout(request)
                if passive:
                    # The warning script polls here; it takes the person to the sign-in page.
                    return JsonResponse(
                        {"remaining": 0, "login_url": login_url(reason=REASON_IDLE)}
                    )
                return HttpResponseRedirect(
                    login_url(reason=REASON_IDLE, next_url=_next_for(request))
                )
            if not passive and _stamp_age(request, now) >= stamp_slack():
                mark_active(request, now=now)
        return self.get_response(request)


def stamp_slack() -> float:
    """SESSION_IDLE_STAMP_SLACK, but never more than half the warning's time, so that activity
    elsewhere always reaches the server before a warning it should keep away."""
    return min(float(settings.SESSION_IDLE_STAMP_SLACK), settings.SESSION_IDLE_WARNING / 2)


def _stamp_age(request: HttpRequest, now: float) -> float:
    last = request.session.get(IdleTimeoutMiddleware.SESSION_KEY)
    return float("inf") if last is None else now - float(last)


def mark_active(request: HttpRequest, *, now: float | None = None) -> None:
    """Stamp the session as active now (the idle timeout counts from here)."""
    request.session[IdleTimeoutMiddleware.SESSION_KEY] = now if now is not None else time.time()


def seconds_left(request: HttpRequest, *, now: float | None = None) -> float:
    """Seconds until the idle timeout signs this session out (the full timeout if unknown)."""
    timeout = float(settings.SESSION_IDLE_TIMEOUT)
    last = request.session.get(IdleTimeoutMiddleware.SESSION_KEY)
    if last is None:
        return timeout
    return timeout - ((now if now is not None else time.time()) - float(last))


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the verified device kept in the cache between requests.

    django-otp reads the session's device from the database on every request to learn that
    it still exists, is confirmed and is the user's. That answer only changes when the device
    is removed, and every removal raises the user's ``access_version`` (read fresh with the
    user on each request), which is part of the key: a reset app stops verifying at once.
    Only a device that passed those checks is kept; anything else is asked again.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)  # type: ignore[no-untyped-call]
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._device_for(user, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)  # type: ignore[no-untyped-call]
        return user

    def _device_for(self, user: Any, persistent_id: str) -> Any:
        version = getattr(user, "access_version", None)
        if version is None:
            return self._device_from_persistent_id(persistent_id)
        key = f"zhucan:otp-device:{user.pk}:{version}:{persistent_id}"
        device = cache.get(key)
        if device is None:
            device = self._device_from_persistent_id(persistent_id)
            if device is not None and device.user_id == user.pk and device.confirmed:
                cache.set(key, device, VERIFIED_DEVICE_CACHE_SECONDS)
        return device


class PreferencesMiddleware:
    """Makes the person's display preferences (elder mode, contrast) available to templates.

    Signed-in people keep them on their account; visitors keep them in the session.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            text_size, contrast = user.text_size, user.contrast
        else:
            text_size = request.session.get("text_size", "normal")
            contrast = request.session.get("contrast", "normal")
        request.display_prefs = {"text_size": text_size, "contrast": contrast}  # type: ignore[attr-defined]
        return self.get_response(request)
