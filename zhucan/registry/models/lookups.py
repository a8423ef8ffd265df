"""Each exact-ID search, reveal and refused registration, counted per person for the limits.

A row says who, what kind and when: never the number, not even masked or hashed (the audit
entry keeps the keyed token). It lives in the database, not a cache, so that the limit holds
across every server process; ``services.lookups`` counts these rows under a lock of the user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RegistryLookup(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", "search"  # an exact search by ID number
        REVEAL = "reveal", "reveal"  # a reveal of clear details
        REFUSED = "refused", "refused"  # a number refused as registered out of sight

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "at"], name="lookup_user_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
