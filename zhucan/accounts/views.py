from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from zhucan.accounts.services import set_display_preferences
from zhucan.orgs.models import Membership


def login_view(request: HttpRequest) -> HttpResponse:
    return auth_views.LoginView.as_view(template_name="accounts/login.html")(request)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/profile.html", {"memberships": memberships})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@require_POST
def display_settings(request: HttpRequest) -> HttpResponse:
    """Large text, high contrast and language: on the account when signed in, else in the session."""
    prefs = dict(getattr(request, "display_prefs", {"text_size": "normal", "contrast": "normal"}))
    for key in ("text_size", "contrast"):
        if key in request.POST:
            prefs[key] = request.POST[key]
    response = redirect(_safe_next(request))
    language = request.POST.get("language")
    if language and check_for_language(language):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                            max_age=365 * 24 * 3600, secure=settings.SESSION_COOKIE_SECURE)
    if request.user.is_authenticated:
        if prefs["text_size"] in ("normal", "large") and prefs["contrast"] in ("normal", "high"):
            set_display_preferences(by=request.user, text_size=prefs["text_size"], contrast=prefs["contrast"])
    else:
        request.session["text_size"] = prefs["text_size"] if prefs["text_size"] in ("normal", "large") else "normal"
        request.session["contrast"] = prefs["contrast"] if prefs["contrast"] in ("normal", "high") else "normal"
    return response


@require_POST
@login_required
def session_extend(request: HttpRequest) -> HttpResponse:
    # Reaching here already counted as activity in IdleTimeoutMiddleware.
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"ok": True})
    return redirect(_safe_next(request))
