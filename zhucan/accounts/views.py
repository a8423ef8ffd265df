from __future__ import annotations

import math
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import user_has_device

from zhucan.accounts import enrolment, lockout, twofactor
from zhucan.accounts.forms import (
    EnrolmentCodeForm,
    PasswordChangeForm,
    PasswordForm,
    SetupCodeForm,
    SignInForm,
    VerifyCodeForm,
)
from zhucan.accounts.middleware import (
    REASON_DISABLED,
    REASON_IDLE,
    REASON_LOCKED,
    login_url,
    mark_active,
    seconds_left,
)
from zhucan.accounts.models import User
from zhucan.accounts.services import (
    PasswordNotAcceptedError,
    SignInRefusedError,
    begin_sign_in_attempt,
    change_password,
    complete_second_factor,
    enable_two_factor,
    reset_two_factor,
    set_display_preferences,
    settle_failed_attempt,
    sign_in_with_password,
    withdraw_sign_in_attempt,
)
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import requires_second_factor
from zhucan.orgs.models import Membership


def _user(request: HttpRequest) -> User:
    # Only for views behind login_required, where the user is a signed-in User.
    return cast(User, request.user)


def _requested_next(request: HttpRequest) -> str:
    """The ``next`` the request asks for, if it stays on this site; else empty."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _next_url(request: HttpRequest, default: str = "") -> str:
    return _requested_next(request) or resolve_url(default or settings.LOGIN_REDIRECT_URL)


def _sign_in_notice(reason: str) -> str:
    if reason == REASON_IDLE:
        return _("You were signed out after a period of inactivity. Please sign in again.")
    if reason == REASON_DISABLED:
        return _("Your account has been disabled. Please contact your administrator.")
    if reason == REASON_LOCKED:
        return SignInRefusedError().message
    return ""


def _demo_accounts() -> list[dict[str, str]]:
    from zhucan.accounts.demo import DEMO_USERS

    return [
        {"username": username, "full_name": full_name, "role": str(Membership.Role(role).label)}
        for username, full_name, _key, role in DEMO_USERS
    ]


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method != "POST" and request.user.is_authenticated:
        return redirect(next_url)
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = sign_in_with_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except SignInRefusedError as exc:
            form.add_error(None, exc.message)
        else:
            if twofactor.needs_second_factor(user):
                return redirect(twofactor.challenge_url(user, _requested_next(request)))
            return redirect(next_url)
    context: dict[str, Any] = {
        "form": form,
        "next": _requested_next(request),
        "notice": "" if form.is_bound else _sign_in_notice(request.GET.get("reason", "")),
        "notice_is_error": request.GET.get("reason") in (REASON_DISABLED, REASON_LOCKED),
    }
    if settings.DEMO_MODE:
        from zhucan.accounts.demo import DEMO_PASSWORD

        context.update(demo_accounts=_demo_accounts(), demo_password=DEMO_PASSWORD)
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _default_after_second_factor(request: HttpRequest) -> str:
    # In the middle of signing in, go on to the start page; from the account page, go back.
    if request.session.get(twofactor.PENDING_SESSION):
        return str(settings.LOGIN_REDIRECT_URL)
    return "accounts:profile"


def _may_enrol_without_code(request: HttpRequest) -> bool:
    """True when the set-up page may show a secret: no code is needed, or one was accepted in
    this session and can still be spent (else it is forgotten and a new one is asked for)."""
    if request.session.get(enrolment.OWN_RESET_SESSION) or not enrolment.code_required(
        request.user
    ):
        return True
    accepted = request.session.get(enrolment.ENROLMENT_SESSION)
    if accepted and enrolment.still_usable(user=_user(request), code_id=accepted):
        return True
    request.session.pop(enrolment.ENROLMENT_SESSION, None)
    return False


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """The enrolment code from an administrator, asked before the set-up page shows a secret."""
    user = _user(request)
    if _may_enrol_without_code(request):
        return redirect(_with_next("accounts:two_factor_setup", _requested_next(request)))
    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        pending = begin_sign_in_attempt(username=user.get_username(), ip=lockout.client_ip(request))
        if pending is None:
            return _locked_out(request)
        issued = enrolment.find_usable_code(user=user, code=form.cleaned_data["code"])
        if issued is not None:
            withdraw_sign_in_attempt(pending=pending)
            request.session[enrolment.ENROLMENT_SESSION] = issued.pk
            return redirect(_with_next("accounts:two_factor_setup", _requested_next(request)))
        if settle_failed_attempt(pending=pending, user=user, stage="enrolment_code"):
            return _locked_out(request)
        form.add_error(
            "code",
            _(
                "The enrolment code is not correct, or it was used, replaced or has expired. "
                "Check it, or ask your administrator for a new one."
            ),
        )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {"form": form, "next": _requested_next(request)},
    )


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    next_url = _next_url(request, _default_after_second_factor(request))
    if twofactor.has_confirmed_totp(user):
        if twofactor.is_verified(user):
            messages.info(request, _("Two-factor sign-in is already set up for your account."))
            return redirect("accounts:profile")
        return redirect(twofactor.challenge_url(user, _requested_next(request)))
    if not _may_enrol_without_code(request):
        # No secret is made or shown before the enrolment code: the QR code is the enrolment.
        return redirect(_with_next("accounts:two_factor_enrol", _requested_next(request)))
    # The secret lives in the session until confirmed: opening the page writes nothing.
    key = request.session.get(twofactor.SETUP_KEY_SESSION)
    if not key:
        key = request.session[twofactor.SETUP_KEY_SESSION] = twofactor.new_secret()
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device, codes = enable_two_factor(
                by=user,
                key=key,
                code=form.cleaned_data["code"],
                enrolment_code_id=request.session.get(enrolment.ENROLMENT_SESSION),
                after_own_reset=bool(request.session.get(enrolment.OWN_RESET_SESSION)),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            del request.session[twofactor.SETUP_KEY_SESSION]
            request.session.pop(enrolment.ENROLMENT_SESSION, None)
            request.session.pop(enrolment.OWN_RESET_SESSION, None)
            complete_second_factor(request=request, device=device)
            request.session[twofactor.BACKUP_CODES_SESSION] = codes
            request.session[twofactor.NEXT_SESSION] = next_url
            return redirect("accounts:two_factor_backup_codes")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _requested_next(request),
            "qr_code": twofactor.qr_code_svg(user=user, hex_key=key),
            "setup_key": twofactor.readable_key(key),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": twofactor.second_factor_required(user),
        },
    )


@never_cache
@login_required
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Shows the new backup codes once: they leave the session as the page is built."""
    codes = request.session.pop(twofactor.BACKUP_CODES_SESSION, None)
    next_url = request.session.pop(twofactor.NEXT_SESSION, "") or resolve_url("accounts:profile")
    if not codes:
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": [twofactor.readable_backup_code(c) for c in codes], "next_url": next_url},
    )


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(login_url(reason=REASON_LOCKED))


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    next_url = _next_url(request)
    if not twofactor.needs_second_factor(user):
        return redirect(next_url)
    if not twofactor.has_confirmed_totp(user):
        return redirect(twofactor.challenge_url(user, _requested_next(request)))
    ip = lockout.client_ip(request)
    if lockout.is_locked(username=user.get_username(), ip=ip):
        return _locked_out(request)
    form = VerifyCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        pending = begin_sign_in_attempt(username=user.get_username(), ip=ip)
        if pending is None:
            return _locked_out(request)
        result = twofactor.check_code(user, form.cleaned_data["code"])
        if result.device is not None:
            withdraw_sign_in_attempt(pending=pending)
            complete_second_factor(request=request, device=result.device)
            return redirect(next_url)
        if result.throttled:
            # Not checked at all, so not counted.
            withdraw_sign_in_attempt(pending=pending)
            form.add_error(
                "code", _("Too many wrong codes in a row. Wait a few seconds, then try again.")
            )
        elif settle_failed_attempt(pending=pending, user=user, stage="code"):
            return _locked_out(request)
        else:
            form.add_error(
                "code",
                _(
                    "The code is not correct. Enter the code your app shows now, or a backup "
                    "code you have not used before."
                ),
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _requested_next(request)}
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user_has_device(user, confirmed=None):
        messages.info(request, _("Two-factor sign-in is not set up for your account."))
        return redirect("accounts:profile")
    form = PasswordForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        # Read before the reset: with the device gone the session is no longer verified.
        verified = twofactor.is_verified(user)
        try:
            reset_two_factor(by=user, password=form.cleaned_data["password"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            if verified:
                request.session[enrolment.OWN_RESET_SESSION] = True
            messages.success(
                request,
                _(
                    "Two-factor sign-in was reset: your authenticator app and backup codes no "
                    "longer work for this account."
                ),
            )
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_factor_reset.html",
        {"form": form, "required": settings.REQUIRE_2FA and requires_second_factor(user)},
    )


@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            change_password(
                by=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except PasswordNotAcceptedError as exc:
            for message in exc.messages:
                form.add_error("new_password", message)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            # Keeps this session signed in; sessions elsewhere end with the old password.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_next_url(request, "accounts:profile"))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "must_change": user.must_change_password,
            "next": _requested_next(request),
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "two_factor_on": twofactor.has_confirmed_totp(user),
            "backup_codes_left": twofactor.backup_codes_left(user),
            "two_factor_required": settings.REQUIRE_2FA and requires_second_factor(user),
        },
    )


def _safe_next(request: HttpRequest) -> str:
    return _requested_next(request) or "/"


@require_POST
def display_settings(request: HttpRequest) -> HttpResponse:
    """Large text, high contrast and language: on the account when signed in, else in session."""
    prefs = dict(getattr(request, "display_prefs", {"text_size": "normal", "contrast": "normal"}))
    for key in ("text_size", "contrast"):
        if key in request.POST:
            prefs[key] = request.POST[key]
    response = redirect(_safe_next(request))
    language = request.POST.get("language")
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Lax",
            max_age=365 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    valid = prefs["text_size"] in User.TextSize.values and prefs["contrast"] in User.Contrast.values
    if request.user.is_authenticated:
        if valid:
            set_display_preferences(
                by=_user(request), text_size=prefs["text_size"], contrast=prefs["contrast"]
            )
    else:
        request.session["text_size"] = (
            prefs["text_size"] if prefs["text_size"] in User.TextSize.values else "normal"
        )
        request.session["contrast"] = (
            prefs["contrast"] if prefs["contrast"] in User.Contrast.values else "normal"
        )
    return response


@require_POST
@login_required
def session_extend(request: HttpRequest) -> HttpResponse:
    # Asking to stay signed in restarts the full timeout, however recent the last stamp.
    mark_active(request)
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"ok": True, "remaining": int(settings.SESSION_IDLE_TIMEOUT)})
    return redirect(_safe_next(request))


@require_GET
@never_cache
@login_required
def session_status(request: HttpRequest) -> HttpResponse:
    """Seconds until the idle sign-out. Listed in PASSIVE_PATHS: asking is not activity."""
    return JsonResponse(
        {
            # Rounded up: 0 must mean signed out, or the page would reload a live session.
            "remaining": max(0, math.ceil(seconds_left(request))),
            "timeout": int(settings.SESSION_IDLE_TIMEOUT),
            "warning": int(settings.SESSION_IDLE_WARNING),
        }
    )
