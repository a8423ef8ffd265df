from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: office staff, reporters, reviewers, auditors."""

    class TextSize(models.TextChoices):
        NORMAL = "normal", _("Normal text")
        LARGE = "large", _("Large text (elder mode)")

    class Contrast(models.TextChoices):
        NORMAL = "normal", _("Normal contrast")
        HIGH = "high", _("High contrast")

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    text_size = models.CharField(
        _("text size"), max_length=10, choices=TextSize.choices, default=TextSize.NORMAL
    )
    contrast = models.CharField(
        _("contrast"), max_length=10, choices=Contrast.choices, default=Contrast.NORMAL
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Set when an administrator gave a temporary password: the person must choose their own
    # before anything else (PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Raised whenever what the person may do changes (a role given or taken away, an
    # organisation of theirs moved or deactivated, their second factor removed). The user row
    # is read on every request anyway, so caches keyed by it turn stale at once, everywhere.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class LoginAttempt(models.Model):
    """One try at signing in (password or second-factor code), for the lockout rules.

    Kept in the database rather than the cache: Redis is optional and may be down, and a
    lockout that forgets itself when the cache restarts is no lockout.
    """

    # Normalised (see lockout.normalise_username), so "Admin" and "admin " count together.
    username = models.CharField(_("user name"), max_length=150)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # A plain default rather than auto_now_add, so that tests can move attempts into the past.
    at = models.DateTimeField(_("time"), default=timezone.now)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        indexes = [
            models.Index(fields=["username", "at"], name="loginattempt_username_at"),
            models.Index(fields=["ip", "at"], name="loginattempt_ip_at"),
            models.Index(fields=["at"], name="loginattempt_at"),
        ]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.username} {self.ip or '-'} {self.at:%Y-%m-%d %H:%M:%S} {outcome}"


class LoginThrottle(models.Model):
    """One row per user name or address that has tried to sign in, locked while an attempt is
    counted, so that concurrent tries queue: without it 25 parallel wrong passwords all read
    "4 failures so far" and all get their password checked."""

    key = models.CharField(max_length=200, unique=True)
    touched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return self.key


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives someone to set up their authenticator app.

    Without it whoever holds a staff password could enrol their own phone as the second
    factor. Only a keyed hash is stored; the code itself is shown once to the administrator.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")
        indexes = [models.Index(fields=["user", "expires_at"], name="enrolmentcode_user_expiry")]

    def __str__(self) -> str:
        return f"enrolment code #{self.pk} for {self.user_id}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > (now or timezone.now())
        )
