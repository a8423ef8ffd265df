"""Writes to accounts: people, sign-in and its second factor, passwords, display preferences."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucan.accounts import lockout, twofactor
from zhucan.accounts.models import LoginAttempt, User
from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.models import Organisation
from zhucan.orgs.services import add_membership


@transaction.atomic
def create_user(
    *,
    by: Any,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation,
    role: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Create a person with their first membership: nobody exists without a jurisdiction."""
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Please enter a user name."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("The user name %(name)s is taken.") % {"name": username}, field="username"
        )
    user = User(
        username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip()
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    try:
        with transaction.atomic():  # another form may take the same user name at once
            user.save()
    except IntegrityError:
        raise DomainError(
            _("The user name %(name)s is taken.") % {"name": username}, field="username"
        ) from None
    audit.record(
        by=by,
        action="accounts.user.created",
        target=user,
        org_path=organisation.path,
        changes={"username": username, "full_name": full_name},
    )
    add_membership(by=by, user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def set_user_active(*, by: Any, user: User, active: bool) -> User:
    if user.pk == getattr(by, "pk", None) and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            by=by,
            action="accounts.user.enabled" if active else "accounts.user.disabled",
            target=user,
            changes={"is_active": active},
        )
    return user


@transaction.atomic
def set_display_preferences(*, by: User, text_size: str, contrast: str) -> User:
    if text_size not in User.TextSize.values or contrast not in User.Contrast.values:
        raise DomainError(_("Unknown display setting."))
    changes = audit.diff(by, {"text_size": text_size, "contrast": contrast})
    if changes:
        by.save(update_fields=["text_size", "contrast"])
        audit.record(by=by, action="accounts.preferences.changed", target=by, changes=changes)
    return by


# Sign-in ---------------------------------------------------------------------------------------


class SignInRefusedError(DomainError):
    """Any refused sign-in. One message for every reason, so nobody can find out which user
    names exist, which accounts are disabled or which are locked."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The user name or password is not correct, or the account is temporarily "
                "locked after too many attempts. Please try again later or contact your "
                "administrator."
            )
        )


# Sign-in attempts are pruned on about one attempt in this many: no scheduler needed.
PRUNE_ONE_IN = 100


def sign_in_with_password(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a user name and password under the lockout rules and sign the person in.

    Not one transaction on purpose: a failure must be counted even though we then raise.
    When a second factor is due, the session stays unverified (SecondFactorMiddleware) and the
    sign-in only counts as succeeded once the code is given; otherwise a password alone would
    reset the failure count, and someone who knows the password could guess codes for ever.
    """
    ip = lockout.client_ip(request)
    if lockout.is_locked(username=username, ip=ip):
        # Hash anyway: a refusal that came back faster would tell that the lock is on.
        User().set_password(password)
        raise SignInRefusedError
    # ModelBackend runs the hasher for unknown user names too (Django #20760) and checks the
    # password of a disabled account before refusing it, so every refusal takes as long.
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        record_sign_in_failure(username=username, ip=ip)
        raise SignInRefusedError
    auth_login(request, user)
    if twofactor.second_factor_required(user):
        request.session[twofactor.PENDING_SESSION] = True
    else:
        record_sign_in_success(by=user, ip=ip, method="password")
    return user


@transaction.atomic
def record_sign_in_failure(*, username: str, ip: str | None) -> bool:
    """Count a wrong password or code. Returns True when the user name or address is now
    locked; the failure that starts a lockout writes the audit entry."""
    key = lockout.normalise_username(username)
    now = timezone.now()
    LoginAttempt.objects.create(username=key, ip=ip, at=now, succeeded=False)
    counts = lockout.failure_counts(username=key, ip=ip, now=now)
    scopes = []
    if counts.username == lockout.max_failures():
        scopes.append("username")
    if ip and counts.ip == lockout.max_failures_per_ip():
        scopes.append("ip")
    if scopes:
        audit.record(
            by=None,
            action="accounts.login.locked",
            target=User.objects.filter(username__iexact=username.strip()).first(),
            changes={
                "username": key,
                "ip": ip,
                "locked": scopes,
                "failures": counts.username,
                "failures_from_ip": counts.ip,
                "seconds": int(lockout.window().total_seconds()),
            },
        )
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        prune_sign_in_attempts(now=now)
    return counts.locked


@transaction.atomic
def record_sign_in_success(*, by: User, ip: str | None, method: str) -> None:
    """A completed sign-in: resets the user name's failure count and is audited."""
    LoginAttempt.objects.create(
        username=lockout.normalise_username(by.get_username()), ip=ip, succeeded=True
    )
    audit.record(by=by, action="accounts.login.succeeded", target=by, changes={"method": method})


def prune_sign_in_attempts(*, now: datetime | None = None) -> int:
    """Forget attempts older than the window (and a day). Housekeeping, so no audit entry."""
    cutoff = (now or timezone.now()) - max(lockout.window(), lockout.KEEP_ATTEMPTS)
    deleted, _by_model = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted


# Second factor ---------------------------------------------------------------------------------


@transaction.atomic
def complete_second_factor(*, request: HttpRequest, device: Device) -> None:
    """Mark the session as verified by ``device``; this completes a pending sign-in."""
    user = cast(User, request.user)
    otp_login(request, device)
    # A new session id when the session gains rights, as Django does at sign-in.
    request.session.cycle_key()
    changes: dict[str, Any] = {
        "method": "backup_code" if isinstance(device, StaticDevice) else "totp"
    }
    if isinstance(device, StaticDevice):
        changes["backup_codes_left"] = device.token_set.count()
    if request.session.pop(twofactor.PENDING_SESSION, False):
        LoginAttempt.objects.create(
            username=lockout.normalise_username(user.get_username()),
            ip=lockout.client_ip(request),
            succeeded=True,
        )
        audit.record(by=user, action="accounts.login.succeeded", target=user, changes=changes)
    else:
        audit.record(by=user, action="accounts.two_factor.verified", target=user, changes=changes)


@transaction.atomic
def enable_two_factor(*, by: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app set up with ``key`` and issue new backup codes.

    Returns the device and the backup codes in clear text, to be shown once.
    """
    if TOTPDevice.objects.filter(user=by, confirmed=True).exists():
        raise DomainError(
            _("Two-factor sign-in is already set up. Reset it on your account page first.")
        )
    match = twofactor.match_setup_code(key, code)
    if match is None:
        raise DomainError(
            _(
                "The code is not correct. Enter the 6-digit code your app shows now; if it "
                "still fails, check that the clock on your phone is set automatically."
            ),
            field="code",
        )
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    # last_t stops the code just used from being accepted again at the next sign-in.
    device = TOTPDevice.objects.create(
        user=by, name="authenticator", key=key, confirmed=True, last_t=match.t, drift=match.drift
    )
    StaticDevice.objects.filter(user=by).delete()
    static = StaticDevice.objects.create(user=by, name="backup codes", confirmed=True)
    codes = twofactor.new_backup_codes()
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    audit.record(
        by=by, action="accounts.two_factor.enabled", target=by, changes={"backup_codes": len(codes)}
    )
    return device, codes


@transaction.atomic
def reset_two_factor(*, by: User, password: str) -> None:
    """Remove the person's authenticator app and backup codes (a lost or new phone).

    Asks for the password so that someone at an unlocked, unattended computer cannot do it.
    Whoever must use a second factor is sent to set it up again on the next page.
    """
    if not by.check_password(password):
        raise DomainError(_("The password is not correct."), field="password")
    removed = {
        "authenticator_apps": TOTPDevice.objects.filter(user=by)
        .delete()[1]
        .get(TOTPDevice._meta.label, 0),
        "backup_code_sets": StaticDevice.objects.filter(user=by)
        .delete()[1]
        .get(StaticDevice._meta.label, 0),
    }
    audit.record(by=by, action="accounts.two_factor.reset", target=by, changes=removed)


# Passwords -------------------------------------------------------------------------------------


class PasswordNotAcceptedError(DomainError):
    """The new password breaks one or more rules; each message is shown on its own."""

    def __init__(self, messages: list[str], *, field: str) -> None:
        super().__init__(" ".join(messages), field=field)
        self.messages = messages


@transaction.atomic
def change_password(*, by: User, old_password: str, new_password: str) -> User:
    """Change one's own password after checking the current one and the password rules."""
    if not by.check_password(old_password):
        raise DomainError(_("Your current password is not correct."), field="old_password")
    if new_password == old_password:
        raise DomainError(
            _("The new password must be different from your current password."),
            field="new_password",
        )
    try:
        validate_password(new_password, by)
    except ValidationError as exc:
        raise PasswordNotAcceptedError(list(exc.messages), field="new_password") from None
    by.set_password(new_password)
    by.save(update_fields=["password"])
    audit.record(by=by, action="accounts.password.changed", target=by)
    return by


# --- People management from the organisation pages (zhucan.orgs.views.people) -------------
# Added by the orgs work; the functions above are unchanged.


@transaction.atomic
def add_person(
    *,
    by: Any,
    organisation: Organisation,
    username: str,
    full_name: str,
    password: str,
    role: str,
    email: str = "",
    phone: str = "",
    token: uuid.UUID | None = None,
) -> User:
    """Create an account for someone joining ``organisation``, which must be active.
    ``token``: the form's; the form sent twice answers with the account it made."""
    if not organisation.is_active:
        raise DomainError(
            _("This organisation is deactivated: reactivate it before adding people to it.")
        )
    if not (full_name or "").strip():
        raise DomainError(_("Please enter the person's full name."), field="full_name")
    return create_once(
        by=by,
        token=token,
        model=User,
        create=lambda: create_user(
            by=by,
            username=username,
            full_name=full_name,
            password=password,
            organisation=organisation,
            role=role,
            email=email,
            phone=phone,
        ),
    )
