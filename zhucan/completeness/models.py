"""What each recipient owes a campaign, when, and the reminders sent to those that are missing.

Whether a given recipient's deliverable is in is read from the receipt, which the apps that own
plans and reports keep up (so the page's list can never disagree with them); how many are in,
under each organisation, is counted as it happens (``DeliveryCount``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation


class DeliverableKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of the notice")
    PLAN = "plan", _("Activity plan")
    REPORT = "report", _("Activity reports")


class ReminderSchedule(models.Model):
    """When a campaign reminds the organisations that have not delivered. Without a row, the
    defaults below apply; a coordinator changes them on the campaign's reminders page."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="reminder_schedule"
    )
    # The notice rarely sets a date for signing; without one, signing is due with the first
    # other deadline.
    receipts_due = models.DateField(_("receipts due"), null=True, blank=True)
    days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=3)
    repeat_every_days = models.PositiveSmallIntegerField(
        _("after the deadline, remind again every this many days"), default=3
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the organisation above after this many days overdue"), default=5
    )
    by_email = models.BooleanField(_("also by email"), default=True)
    by_sms = models.BooleanField(_("also by SMS"), default=False)
    active = models.BooleanField(_("send reminders automatically"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_before__lte=60)
                & Q(repeat_every_days__lte=60)
                & Q(escalate_after_days__lte=90),
                name="reminder_schedule_sane_days",
            )
        ]

    def __str__(self) -> str:
        return str(self.campaign)

    @property
    def audit_org_path(self) -> str:
        return self.campaign.issuing_org.path


class ReminderSent(models.Model):
    """One reminder that went out. The unique key is what stops it going out twice: a second
    sweep, a worker that retries, or a double click all meet the same row."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        AFTER = "after", _("After the deadline")
        ESCALATION = "escalation", _("To the organisation above")
        MANUAL = "manual", _("Sent by hand")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    # The organisation that has not delivered (for an escalation too: it is the subject).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(max_length=12, choices=DeliverableKind.choices)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    key = models.CharField(max_length=60)
    due = models.DateField(null=True, blank=True)
    # Who was told: the organisation itself, or for an escalation the one above it.
    notified_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    notified_people = models.PositiveIntegerField(default=0)
    channels = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind", "key"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.kind} · {self.key}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


class SweepRun(models.Model):
    """One run of the periodic reminder sweep, kept so that an office can see it ran."""

    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    campaigns = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.sent}"


# A day that is not there (no deadline; not yet delivered) in ``DeliveryCount``'s unique key,
# where NULLs would never meet.
NO_DAY = date(1, 1, 1)


class DeliveryCount(models.Model):
    """How many recipients of a campaign's cascade under an organisation owe a kind due on a
    day and delivered it on a day (or not yet): the completeness page's totals and levels read
    these few rows instead of every recipient.

    Kept like the statistics cells: one row per campaign of the recipient's chain (its own
    campaign and every one above it) and organisation from the recipient up to that campaign's
    issuer, changed in the transaction that creates, signs or delivers (``counts``), and moved
    when a deadline moves. The due day is kept rather than the status, which changes with the
    day itself; ``rebuild_completeness`` recomputes every row from the receipts.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=12, choices=DeliverableKind.choices)
    due = models.DateField()  # NO_DAY: no deadline set
    delivered_on = models.DateField()  # NO_DAY: not delivered yet
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind", "due", "delivered_on"],
                name="completeness_delivery_count_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organisation_id}/{self.kind}={self.count}"
