"""Help requests (求助): what a disabled person, a family member or a neighbour asks for through
the public pages, and the work that answers it inside.

A request holds personal data given by someone who is not signed in, so it is kept as the
registry keeps its people (``registry.crypto``): the phone, the typed place, the name and the
ID number only as ciphertext (``*_ct``) next to a mask for lists (``*_masked``); the phone and
the ID number also as blind indexes (``*_index``), so that the requester's own look-up (number +
phone), the rate limits and the exact link to a registered person need no clear value. The
free text is the substance the handlers must read, but it may name people and places: it is
encrypted at rest too and shown only inside the jurisdiction. Nothing in clear here says who
asked: a dump of this table gives kinds, regions, dates and states.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.orgs.models import Organisation, Region
from zhucan.registry.models import Assistance, Person


class HelpRequestQuerySet(models.QuerySet["HelpRequest"]):
    """Visibility lives in ``helprequests.access``; these are plain filters."""

    def open(self) -> HelpRequestQuerySet:
        return self.exclude(status__in=HelpRequest.FINISHED)


class HelpRequest(models.Model):
    class Kind(models.TextChoices):
        # The kinds of help the notice names, in the words a requester reads.
        INCOME_FELL = "income_fell", _("My income fell")
        NO_GUARDIAN = "no_guardian", _("No guardian or carer")
        MEDICAL = "medical", _("Medical care and rehabilitation")
        EMPLOYMENT = "employment", _("Work and jobs")
        EDUCATION = "education", _("Schooling for a child")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        OTHER = "other", _("Other help")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ASSIGNED = "assigned", _("Being handled")
        ANSWERED = "answered", _("Answered")
        REOPENED = "reopened", _("Reopened")
        SPAM = "spam", _("Set aside as spam")

    class Contact(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT_ONLY = "text_only", _("Text messages only")
        SIGN_LANGUAGE = "sign_language", _("Sign language (video call)")

    FINISHED = (Status.ANSWERED, Status.SPAM)

    # What the requester is told and types back with their phone: unguessable on its own.
    number = models.CharField(_("request number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind of help"), max_length=16, choices=Kind.choices)
    on_behalf = models.BooleanField(_("asked on behalf of someone else"), default=False)

    # The responsible county (by region), and its path for one-prefix jurisdiction queries.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="help_requests"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Where, chosen step by step (down to the township) ...
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # ... or typed (a village, a street, a landmark): personal, so sealed.
    place_ct = models.TextField(blank=True, editable=False)
    place_masked = models.CharField(_("place"), max_length=20, blank=True, editable=False)
    # Who works on it inside the county: a township office or a member department.
    assigned_to = models.ForeignKey(
        Organisation,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_help_requests",
    )

    phone_ct = models.TextField(editable=False)
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    preferred_time = models.CharField(_("best time to call"), max_length=60, blank=True)
    contact = models.CharField(
        _("how to reach them"), max_length=16, choices=Contact.choices, default=Contact.PHONE
    )
    name_ct = models.TextField(blank=True, editable=False)
    name_masked = models.CharField(_("name"), max_length=20, blank=True, editable=False)
    id_number_ct = models.TextField(blank=True, editable=False)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    # Consent to use the name and ID number for the stated purpose (empty: none given).
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    description_ct = models.TextField(editable=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Written for the requester, shown on the public status page: no personal data in it.
    outcome = models.TextField(_("answer to the requester"), blank=True)
    spam_reason = models.CharField(_("why set aside"), max_length=200, blank=True)

    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    acknowledge_due = models.DateField(_("acknowledge by"))
    answer_due = models.DateField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # How far up the tree an overdue request has been escalated (0: not escalated).
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Linked on an exact ID match (audited); the help given is recorded in the registry.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    # The help it got, recorded in the register: one row per request, so a repeat adds nothing.
    assistance = models.OneToOneField(
        Assistance, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_request"
    )
    # The public form's random token (a hidden field): the form sent twice, or five times at
    # once, makes one request. Anonymous visitors have no user to key ``core.idempotency`` on.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A keyed hash of the address the form came from, for the rate limit only: not the address.
    client_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["org_path", "status"], name="helprequest_org_status"),
            models.Index(fields=["status", "answer_due"], name="helprequest_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(outcome=""),
                name="helprequest_answered_has_outcome",
            )
        ]

    def __str__(self) -> str:
        # The number only: this is what the audit log keeps of a request.
        return f"{self._meta.verbose_name} {self.number}"

    @property
    def audit_org_path(self) -> str:
        return self.org_path


class HelpSettings(models.Model):
    """An organisation's deadlines for the requests it is responsible for, in working days."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="help_settings"
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("acknowledge within (working days)"), default=2
    )
    answer_days = models.PositiveSmallIntegerField(_("answer within (working days)"), default=7)
    # Off by default: a code by text message stops robots and mistyped numbers, but not
    # everyone can read one, so a requester can always send without it (``phone_check``).
    verify_by_sms = models.BooleanField(
        _("check the phone by a text message code before a request is made"), default=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help request deadlines")
        verbose_name_plural = _("help request deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_days__gte=1) & Q(answer_days__gte=1),
                name="helpsettings_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.organisation_id}"

    @property
    def audit_org_path(self) -> str:
        org: Any = self.organisation
        return str(org.path)


class HelpReminder(models.Model):
    """One reminder or escalation about an overdue request. The unique key (which deadline,
    which level) is what stops it going out twice, as ``completeness.ReminderSent`` does for a
    campaign's deliverables (that log is keyed on a campaign, which a request has not)."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="reminders"
    )
    key = models.CharField(max_length=60)
    # Who was told: the handler (level 0) or an office above it (level 1, 2, ...).
    level = models.PositiveSmallIntegerField(default=0)
    notified_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    notified_people = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("help request reminder")
        verbose_name_plural = _("help request reminders")
        constraints = [
            models.UniqueConstraint(fields=["help_request", "key"], name="helpreminder_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} · {self.key}"

    @property
    def audit_org_path(self) -> str:
        request: Any = self.help_request
        return str(request.org_path)


class PhoneCheck(models.Model):
    """A 6-digit code sent by text message to the phone a requester typed on the public form,
    where the responsible office asked for the check (``HelpSettings.verify_by_sms``).

    Only a keyed hash of the code is kept, with the phone's blind index (never the number); it
    works for ``phone_check.CODE_MINUTES`` minutes, ``phone_check.MAX_TRIES`` tries, once. The
    random id is what the form carries between its two steps, signed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    tries = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"phone check {self.pk}"
