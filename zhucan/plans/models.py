"""Activity plans (实施方案): what each recipient will do for a campaign, and their review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign, Duty
from zhucan.core import workflow
from zhucan.orgs.models import Organisation, Region, jurisdiction_q

# The free-text sections of a 实施方案, in the order the document prints them. The 组织领导
# section is ``leadership`` in code: ``organisation`` is the owning organisation, as elsewhere.
SECTIONS = ("aims", "leadership", "publicity", "safeguards")


def _document_path(instance: Plan, filename: str) -> str:
    # A random name on disk: the person's file name is kept only as data, never as a path.
    import uuid

    return f"plans/{instance.pk}/{uuid.uuid4().hex}"


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans of organisations in the user's jurisdiction, and every plan written for a
        campaign issued in it (the issuer reviews them)."""
        condition = jurisdiction_q(user, "organisation__path", "campaign__issuing_org__path")
        return self.none() if condition is None else self.filter(condition)


class Plan(models.Model):
    class Status(models.TextChoices):
        # The states every review shares (core.workflow), and this one's decided state.
        DRAFT = workflow.DRAFT, _("Draft")
        SUBMITTED = workflow.SUBMITTED, _("Submitted")
        RETURNED = workflow.RETURNED, _("Returned")
        APPROVED = "approved", _("Approved")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="plans"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    aims = models.TextField(_("aims"), blank=True)
    leadership = models.TextField(_("organisation and leadership"), blank=True)
    publicity = models.TextField(_("publicity arrangements"), blank=True)
    safeguards = models.TextField(_("safeguards"), blank=True)
    document = models.FileField(_("plan document"), upload_to=_document_path, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    # Optimistic locking: every change adds one; a form posts the version it was built from.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # When the plan was first delivered: completeness and timeliness count this one.
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    # Late means the first submission came after the deadline; a resubmission after a return
    # is the reviewer's timetable, not the organisation's lateness.
    late = models.BooleanField(_("late"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("activity plan")
        verbose_name_plural = _("activity plans")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="plan_unique_org")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.campaign.year}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path

    @property
    def is_editable(self) -> bool:
        return self.status in workflow.EDITABLE


class VenueAccess(models.TextChoices):
    """How a visitor in a wheelchair or with a walking aid gets in, as the organiser states it."""

    UNKNOWN = "", _("Not stated")
    STEP_FREE = "step_free", _("Step-free, with an accessible toilet")
    PARTLY = "partly", _("Step-free entrance, no accessible toilet")
    NOT_STEP_FREE = "steps", _("Steps at the entrance: ask for help")


class PlannedActivity(models.Model):
    class Category(models.TextChoices):
        VISIT = "visit", _("Visits (慰问)")
        PUBLICITY = "publicity", _("Publicity (宣传)")
        EMPLOYMENT = "employment", _("Employment services (就业服务)")
        REHABILITATION = "rehabilitation", _("Rehabilitation (康复)")
        EDUCATION = "education", _("Education (教育)")
        ASSISTANCE = "assistance", _("Assistance (帮扶)")
        CULTURE_SPORTS = "culture_sports", _("Culture and sports (文体)")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online (线上)")
        IN_PERSON = "in_person", _("In person (线下)")
        BOTH = "both", _("Online and in person (线上线下结合)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("activity"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    duty = models.ForeignKey(
        Duty,
        verbose_name=_("duty in the notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_activities",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    safety_measures = models.TextField(_("safety measures"), blank=True)
    person_responsible = models.CharField(_("person responsible"), max_length=40)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # What the public site may show once the plan is approved. The person responsible and
    # their phone are staff data and never published; the site gives the office's phone.
    is_public = models.BooleanField(_("shown on the public site"), default=False)
    online_link = models.URLField(_("online link"), max_length=300, blank=True)
    venue_access = models.CharField(
        _("accessibility of the venue"),
        max_length=12,
        choices=VenueAccess.choices,
        blank=True,
        default=VenueAccess.UNKNOWN,
    )
    by_appointment = models.BooleanField(_("by appointment only"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="planned_activity_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org_path(self) -> str:
        return self.plan.organisation.path

    @property
    def meets_in_person(self) -> bool:
        return self.mode in (self.Mode.IN_PERSON, self.Mode.BOTH)


class PlanVersion(models.Model):
    """What was submitted, frozen: the reviewer compares one submission with the one before."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(default=dict)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanComment(models.Model):
    """A reviewer's (or author's) remark on the whole plan, one section or one activity."""

    class Section(models.TextChoices):
        WHOLE = "", _("The whole plan")
        AIMS = "aims", _("Aims")
        LEADERSHIP = "leadership", _("Organisation and leadership")
        PUBLICITY = "publicity", _("Publicity arrangements")
        SAFEGUARDS = "safeguards", _("Safeguards")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    section = models.CharField(max_length=12, choices=Section.choices, blank=True, default="")
    activity = models.ForeignKey(
        PlannedActivity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Kept as text so the remark still names its activity after the activity is removed.
    activity_title = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(section="") | Q(activity__isnull=True),
                name="plan_comment_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def audit_org_path(self) -> str:
        return self.plan.organisation.path


class SafetyRules(models.Model):
    """Epidemic-safety rules (疫情防控) a campaign sets for the plans written for it."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="safety_rules")
    # Default 50: the 2020 notice asks to avoid gatherings. None means no limit.
    max_in_person_attendance = models.PositiveIntegerField(
        _("largest in-person attendance"), null=True, blank=True, default=50
    )
    required_measures = models.JSONField(_("required measures"), default=list, blank=True)
    min_online_percent = models.PositiveSmallIntegerField(
        _("smallest share of online activities (%)"), default=0
    )
    enforce = models.BooleanField(_("refuse plans that break a rule"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("safety rules")
        verbose_name_plural = _("safety rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_online_percent__lte=100), name="safety_rules_percent_max_100"
            )
        ]

    def __str__(self) -> str:
        return str(self.campaign)

    @property
    def audit_org_path(self) -> str:
        return self.campaign.issuing_org.path
