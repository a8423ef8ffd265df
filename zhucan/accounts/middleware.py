"""Account-level guards that run on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

# Requests that must not count as the person being active (the timeout warning polls these).
PASSIVE_PATHS = ("/accounts/session/status/",)


class ActiveAccountMiddleware:
    """Ends the session of an account that was disabled while it was signed in."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_active:
            logout(request)
            messages.error(request, _("Your account has been disabled. Please contact your administrator."))
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without activity."""

    SESSION_KEY = "zhucan_last_activity"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{redirect(settings.LOGIN_URL).url}?next={request.path}")
            if not request.path.startswith(PASSIVE_PATHS):
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)


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
