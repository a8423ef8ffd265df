"""What the database knows about the registry's keys: a check value per key, never the key.

``KeyCheck`` makes a wrong or missing key a startup error (``registry.keycheck``) instead of a
registry that quietly forks: ID search finding nobody, an import adding everyone again.
``KeyRotation`` is where a rotation got to, so that a stopped one resumes and reports progress.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class KeyKind(models.TextChoices):
    FIELD = "field", "field encryption"
    BLIND = "blind", "blind index"


class KeyCheck(models.Model):
    key_id = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=5, choices=KeyKind.choices)
    # HMAC-SHA256 of a fixed label under the key (``crypto.check_value``).
    check_value = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set when a rotation has moved every row off this key: from then on the servers may drop it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "registry key check"

    def __str__(self) -> str:
        return f"{self.kind} key {self.key_id}"


class KeyRotation(models.Model):
    """One rotation to ``to_key``: rows up to ``last_pk`` are done."""

    kind = models.CharField(max_length=5, choices=KeyKind.choices)
    to_key = models.CharField(max_length=40)
    last_pk = models.BigIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "registry key rotation"
        constraints = [
            models.UniqueConstraint(fields=["kind", "to_key"], name="key_rotation_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} rotation to {self.to_key}"
