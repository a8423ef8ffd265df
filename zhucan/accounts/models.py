from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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
