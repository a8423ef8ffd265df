"""The audit log: append-only, written by services in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogAppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry from the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogAppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the trail still says who acted after an account is removed.
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The organisation whose jurisdiction the change falls in; auditors see their subtree.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    # The request's id (core/request_id.py), as in its log lines and the proxy's log, or
    # ``task-<id>`` for a background task; empty for entries written before it was kept.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Looked up by equality only: one plain index (db_index would add a LIKE one too).
            models.Index(fields=["request_id"], name="core_audit_request_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogAppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnlyError("audit entries cannot be deleted")


class FormSubmission(models.Model):
    """A create form one user sent, named by the random token the form carried
    (``core.idempotency``): the same form sent again, even at the same instant, meets the object
    the first one made instead of making another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    # What the form made: "app_label.model" and its primary key (empty until it is made, inside
    # the same transaction, so no other request ever sees it empty).
    model = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} ({self.token})"


class AuditSealAppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit seal from the application."""


class AuditSealQuerySet(models.QuerySet["AuditSeal"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditSealAppendOnlyError("audit seals cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditSealAppendOnlyError("audit seals cannot be deleted")


class AuditSeal(models.Model):
    """One link of the audit chain (``core/seals.py``): the audit entries with ids from
    ``first_id`` to ``last_id``, hashed together with the previous seal's hash.

    Seals follow each other without gap or overlap from entry 1, so that an entry edited,
    removed or slipped into a sealed range changes a recomputed hash, and a seal removed leaves
    a gap. Append-only like the entries (triggers on PostgreSQL, migration ``core.0009``).
    """

    first_id = models.BigIntegerField(unique=True)
    last_id = models.BigIntegerField(unique=True)
    # How many entries the range held when it was sealed (ids have gaps: a transaction that
    # rolled back used its id). Also in the hash; kept apart for a precise report.
    entries = models.PositiveIntegerField()
    # Hex SHA-256. Unique: two sealers cannot both extend the same seal (a fork).
    previous_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    # When it was sealed: for people reading the table, not part of the hash.
    sealed_at = models.DateTimeField(auto_now_add=True)

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_id__gte=models.F("first_id")),
                name="audit_seal_range_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"seal {self.pk}: entries {self.first_id}-{self.last_id} {self.hash}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditSealAppendOnlyError("audit seals cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditSealAppendOnlyError("audit seals cannot be deleted")


class RateWindow(models.Model):
    """How many times one key (a hashed client address, a hashed phone) did one thing in one
    fixed window of time (``core.ratelimit``). Kept in the database, not the cache: without
    Redis each app server has its own cache, and a limit counted there is multiplied by the
    number of servers."""

    key = models.CharField(max_length=120)
    # The window's number: seconds since the epoch divided by the window's length.
    bucket = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "bucket"], name="rate_window_once_per_key")
        ]
        indexes = [models.Index(fields=["expires_at"], name="core_rate_window_expires")]

    def __str__(self) -> str:
        return f"{self.key} #{self.bucket}: {self.count}"


class CalendarDay(models.Model):
    """A day that is not what its weekday says (``core.workdays``): a public holiday, or a
    weekend day worked in place of one (调休). The State Council publishes the next year's list
    each winter; an administrator enters it in the Django admin. Every other day is a working
    day from Monday to Friday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKING_WEEKEND_DAY = "working", _("Weekend day worked (调休)")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40, help_text=_("For example: 国庆节"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        if self.kind == self.Kind.WORKING_WEEKEND_DAY and self.day and self.day.weekday() < 5:
            raise ValidationError(
                {"day": _("Only a Saturday or a Sunday can be a weekend day worked.")}
            )
