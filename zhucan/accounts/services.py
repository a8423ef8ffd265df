"""Writes to accounts: people, sign-in and its second factor, passwords, display preferences."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucan.accounts import enrolment, lockout, twofactor
from zhucan.accounts.auditing import record_for_person
from zhucan.accounts.models import LoginAttempt, LoginThrottle, User
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.access_version import access_changed
from zhucan.orgs.models import Organisation
from zhucan.orgs.services import add_membership


@transaction.atomic
def create_user(
    *,
    by: Actor | None,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation,
    role: str,
    email: str = "",
    phone: str = "",
    must_change_password: bool = False,
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
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        must_change_password=must_change_password,
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
        changes={
            "username": username,
            "full_name": full_name,
            "must_change_password": must_change_password,
        },
    )
    add_membership(by=by, user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def set_user_active(*, by: Actor, user: User, active: bool) -> User:
    if user.pk == getattr(by, "pk", None) and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_for_person(
            by=by,
            action="accounts.user.enabled" if active else "accounts.user.disabled",
            person=user,
            changes={"is_active": active},
        )
    return user


@transaction.atomic
def set_display_preferences(*, by: Actor, text_size: str, contrast: str) -> User:
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


@dataclass(frozen=True)
class PendingAttempt:
    """An attempt counted as failed before the password or code is checked (see
    begin_sign_in_attempt); settled as failed, or withdrawn when it succeeds."""

    attempt_id: int
    username: str
    ip: str | None
    # Failures inside the window, this one included, when it was counted.
    user_failures: int
    ip_failures: int


@transaction.atomic
def begin_sign_in_attempt(*, username: str, ip: str | None) -> PendingAttempt | None:
    """Count an attempt before checking it. Returns None when the user name or address is
    locked, and then nothing is counted (knocking on a locked door does not prolong the lock).

    The count and the new row happen under a row lock on the user name's (and the address's)
    LoginThrottle row, and the row is committed before the slow password hash starts: so of
    any number of concurrent tries only as many as the limit allows are ever checked against
    the password; the others see them counted and are refused.
    """
    key = lockout.normalise_username(username)
    keys = sorted(
        {lockout.throttle_key(username=key)} | ({lockout.throttle_key(ip=ip)} if ip else set())
    )
    # Insert-if-missing, then lock in key order (two tries never wait on each other in a cycle).
    LoginThrottle.objects.bulk_create([LoginThrottle(key=k) for k in keys], ignore_conflicts=True)
    list(LoginThrottle.objects.select_for_update().filter(key__in=keys).order_by("key"))
    # The time once the lock is ours: after everything counted by those we waited for.
    now = timezone.now()
    LoginThrottle.objects.filter(key__in=keys).update(touched_at=now)
    counts = lockout.failure_counts(username=key, ip=ip, now=now)
    if counts.locked:
        return None
    attempt = LoginAttempt.objects.create(username=key, ip=ip, at=now, succeeded=False)
    return PendingAttempt(
        attempt_id=attempt.pk,
        username=key,
        ip=ip,
        user_failures=counts.username + 1,
        ip_failures=counts.ip + 1 if ip else 0,
    )


@transaction.atomic
def withdraw_sign_in_attempt(*, pending: PendingAttempt) -> None:
    """The password or code was right (or was not checked at all): it is no failure.

    A completed sign-in then records its own success (record_sign_in_success); a right
    password that still waits for its code records nothing, as before the count existed.
    """
    LoginAttempt.objects.filter(pk=pending.attempt_id).delete()


@transaction.atomic
def settle_failed_attempt(*, pending: PendingAttempt, user: User | None, stage: str) -> bool:
    """A wrong password, code or enrolment code: audited for the person's auditors (without
    a path for an unknown user name). Returns True when the user name or address is now
    locked; the failure that reached the limit writes the lockout entry."""
    changes: dict[str, Any] = {"username": pending.username, "stage": stage}
    record_for_person(by=None, action="accounts.login.failed", person=user, changes=changes)
    scopes = []
    if pending.user_failures == lockout.max_failures():
        scopes.append("username")
    if pending.ip and pending.ip_failures == lockout.max_failures_per_ip():
        scopes.append("ip")
    if scopes:
        record_for_person(
            by=None,
            action="accounts.login.locked",
            person=user,
            changes={
                "username": pending.username,
                "ip": pending.ip,
                "locked": scopes,
                "failures": pending.user_failures,
                "failures_from_ip": pending.ip_failures,
                "seconds": int(lockout.window().total_seconds()),
            },
        )
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        prune_sign_in_attempts()
    return (
        pending.user_failures >= lockout.max_failures()
        or pending.ip_failures >= lockout.max_failures_per_ip()
    )


def _known_user(username: str) -> User | None:
    return User.objects.filter(username__iexact=(username or "").strip()).first()


def sign_in_with_password(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a user name and password under the lockout rules and sign the person in.

    Not one transaction on purpose: a failure must be counted even though we then raise, and
    the count must be visible to concurrent tries while the password hash runs.
    When a second factor is due, the session stays unverified (SecondFactorMiddleware) and the
    sign-in only counts as succeeded once the code is given; otherwise a password alone would
    reset the failure count, and someone who knows the password could guess codes for ever.
    """
    ip = lockout.client_ip(request)
    pending = begin_sign_in_attempt(username=username, ip=ip)
    if pending is None:
        # Hash anyway: a refusal that came back faster would tell that the lock is on.
        User().set_password(password)
        raise SignInRefusedError
    # ModelBackend runs the hasher for unknown user names too (Django #20760) and checks the
    # password of a disabled account before refusing it, so every refusal takes as long.
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        settle_failed_attempt(pending=pending, user=_known_user(username), stage="password")
        raise SignInRefusedError
    withdraw_sign_in_attempt(pending=pending)
    auth_login(request, user)
    if twofactor.second_factor_required(user):
        request.session[twofactor.PENDING_SESSION] = True
    else:
        record_sign_in_success(by=user, ip=ip, method="password")
    return user


@transaction.atomic
def record_sign_in_success(*, by: Actor, ip: str | None, method: str) -> None:
    """A completed sign-in: resets the user name's failure count and is audited."""
    LoginAttempt.objects.create(
        username=lockout.normalise_username(by.get_username()), ip=ip, succeeded=True
    )
    record_for_person(
        by=by, action="accounts.login.succeeded", person=by, changes={"method": method}
    )


def prune_sign_in_attempts(*, now: datetime | None = None) -> int:
    """Forget attempts older than LOGIN_ATTEMPT_RETENTION_DAYS (never inside the lockout
    window), and the throttle rows nobody has used within the window. Housekeeping, so no
    audit entry; the audit log keeps its own entries of every sign-in regardless."""
    now = now or timezone.now()
    cutoff = now - max(lockout.window(), lockout.retention())
    deleted, _by_model = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    LoginThrottle.objects.filter(touched_at__lt=now - lockout.window()).delete()
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
        record_for_person(by=user, action="accounts.login.succeeded", person=user, changes=changes)
    else:
        record_for_person(
            by=user, action="accounts.two_factor.verified", person=user, changes=changes
        )


@transaction.atomic
def enable_two_factor(
    *,
    by: Actor,
    key: str,
    code: str,
    enrolment_code_id: int | None = None,
    after_own_reset: bool = False,
) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app set up with ``key`` and issue new backup codes.

    Someone whose role must use a second factor needs the enrolment code accepted earlier in
    the session (spent here), unless they just reset their own app in a session verified by
    it. Returns the device and the backup codes in clear text, to be shown once.
    """
    if TOTPDevice.objects.filter(user=by, confirmed=True).exists():
        raise DomainError(
            _("Two-factor sign-in is already set up. Reset it on your account page first.")
        )
    needs_code = enrolment.code_required(by) and not after_own_reset
    if needs_code and not enrolment_code_id:
        raise DomainError(
            _("Enter the enrolment code from your administrator before setting up the app.")
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
    if needs_code:
        enrolment.use_enrolment_code(user=by, code_id=enrolment_code_id)
    TOTPDevice.objects.filter(user=by, confirmed=False).delete()
    # last_t stops the code just used from being accepted again at the next sign-in.
    device = TOTPDevice.objects.create(
        user=by, name="authenticator", key=key, confirmed=True, last_t=match.t, drift=match.drift
    )
    StaticDevice.objects.filter(user=by).delete()
    static = StaticDevice.objects.create(user=by, name="backup codes", confirmed=True)
    codes = twofactor.new_backup_codes()
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    record_for_person(
        by=by,
        action="accounts.two_factor.enabled",
        person=by,
        changes={"backup_codes": len(codes), "with_enrolment_code": needs_code},
    )
    return device, codes


@transaction.atomic
def reset_two_factor(*, by: Actor, password: str) -> None:
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
    # A session verified with the removed app must not stay verified from the cache.
    access_changed(users=Q(pk=by.pk))
    record_for_person(by=by, action="accounts.two_factor.reset", person=by, changes=removed)


# Passwords -------------------------------------------------------------------------------------


class PasswordNotAcceptedError(DomainError):
    """The new password breaks one or more rules; each message is shown on its own."""

    def __init__(self, messages: list[str], *, field: str) -> None:
        super().__init__(" ".join(messages), field=field)
        self.messages = messages


@transaction.atomic
def change_password(*, by: Actor, old_password: str, new_password: str) -> User:
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
    by.must_change_password = False
    by.save(update_fields=["password", "must_change_password"])
    record_for_person(by=by, action="accounts.password.changed", person=by)
    return by


# --- People management from the organisation pages (zhucan.accounts.people_views) ---------
# Added by the orgs work; the functions above are unchanged.


@transaction.atomic
def add_person(
    *,
    by: Actor,
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

    The administrator chose or was shown the first password, so the person must replace it
    at their first sign-in, as after a reset. ``token``: the form's; the form sent twice answers
    with the account it made.
    """
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
            must_change_password=True,
        ),
    )
