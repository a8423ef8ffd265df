from __future__ import annotations

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
