"""Activity reports (活动情况): what happened on the ground, with its figures, visits and photos.

Only accepted reports count in statistics. A report carries a client-generated id so that a
phone that resends it after a dropped connection meets the same report, never a second one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhucan.activities.figures import FIGURES, Figure
from zhucan.campaigns.models import Campaign, Duty
from zhucan.core import workflow
from zhucan.core.jobs import LeasedJob
from zhucan.orgs.models import Organisation, Region, jurisdiction_q
from zhucan.plans.models import PlannedActivity

Category = PlannedActivity.Category
Mode = PlannedActivity.Mode


class ActivityReportQuerySet(models.QuerySet["ActivityReport"]):
    def visible_to(self, user: Any) -> ActivityReportQuerySet:
        """Reports of organisations in the user's jurisdiction, and every report for a campaign
        issued in it (the issuer reviews and counts them)."""
        condition = jurisdiction_q(user, "organisation__path", "campaign__issuing_org__path")
        return self.none() if condition is None else self.filter(condition)

    def accepted(self) -> ActivityReportQuerySet:
        return self.filter(status=ActivityReport.Status.ACCEPTED)


class ActivityReport(models.Model):
    class Status(models.TextChoices):
        # The states every review shares (core.workflow), and this one's decided state.
        DRAFT = workflow.DRAFT, _("Draft")
        SUBMITTED = workflow.SUBMITTED, _("Submitted")
        RETURNED = workflow.RETURNED, _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="reports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activity_reports",
    )
    # Made on the phone before the first send; a resend with the same id is the same report.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    duties = models.ManyToManyField(
        Duty, verbose_name=_("duties served"), blank=True, related_name="activity_reports"
    )
    planned_activity = models.ForeignKey(
        PlannedActivity,
        verbose_name=_("planned activity carried out"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("activity"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    # The fixed figures, as activities.figures defines them (a test holds the two equal).
    # Empty (None) when the report does not say: unknown is not zero, and totals say how many
    # reports gave the figure ("3 of 4 reports").
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    disabled_served = models.PositiveIntegerField(
        _("disabled people served"), null=True, blank=True
    )
    volunteers = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)
    cash = models.DecimalField(_("cash given (yuan)"), max_digits=14, decimal_places=2, default=0)
    goods_value = models.DecimalField(
        _("value of goods (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    description = models.TextField(_("what happened"), blank=True)
    safety_measures = models.TextField(_("safety measures taken"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("why it was returned"), blank=True)

    objects = ActivityReportQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="activity_report_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(cash__gte=0) & Q(goods_value__gte=0),
                name="activity_report_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path

    @property
    def is_editable(self) -> bool:
        return self.status in workflow.EDITABLE

    @property
    def figure_values(self) -> list[tuple[Figure, Any]]:
        """Its fixed figures (activities.figures) with its values, in their order."""
        return [(figure, getattr(self, figure.name)) for figure in FIGURES]


class Indicator(models.Model):
    """A figure reports give (DHIS2's data element): a default set for every campaign, and any
    a campaign adds. ``categories`` empty means every category of activity."""

    class Unit(models.TextChoices):
        COUNT = "count", _("Whole number")
        YUAN = "yuan", _("Amount in yuan")

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.COUNT)
    # The measure word (量词) a count is written with: 件, 户, 人, 个 … The summary writes
    # "发放慰问品150件", not "发放慰问品件数150".
    measure = models.CharField(_("measure word"), max_length=4, blank=True)
    # How the summary writes the figure, "{n}" standing for it ("发放慰问品{n}件"); empty: the
    # name without its trailing "…数" and the value with its measure word.
    phrase = models.CharField(_("sentence in the summary"), max_length=80, blank=True)
    categories = models.JSONField(_("for categories"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="indicator_unique_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(campaign__isnull=True), name="indicator_default_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.campaign.issuing_org.path if self.campaign else ""

    def applies_to(self, category: str) -> bool:
        return not self.categories or category in self.categories


class IndicatorValue(models.Model):
    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class InstitutionKind(models.TextChoices):
    """The places the notice asks to visit (and families in difficulty, visited at home)."""

    WELFARE_HOME = "welfare_home", _("Welfare home (福利院)")
    REHABILITATION = "rehabilitation", _("Rehabilitation centre (康复机构)")
    SPECIAL_EDUCATION = "special_education", _("Special-education school (特教学校)")
    CARE_HOME = "care_home", _("Care home (托养照护机构)")
    POVERTY_BASE = "poverty_base", _("Poverty-alleviation base (扶贫基地)")
    WELFARE_ENTERPRISE = "welfare_enterprise", _("Welfare enterprise (福利企业)")
    # The seventh place the notice lists is families at home; a directory of services needs a
    # seventh kind for what fits none of the six (service centres, help lines).
    OTHER_SERVICE = "other_service", _("Other service (其他服务机构)")


class Institution(models.Model):
    """The institution directory, per region; owned by the organisation that keeps it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="institutions"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The public directory's entry: kept by the organisation's coordinators, shown on the
    # public site only once they list it. The phone is the institution's, never a person's.
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    is_public = models.BooleanField(_("listed on the public site"), default=False)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="institution_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


class Visit(models.Model):
    """A visit (慰问) made during an activity: to households in difficulty, or an institution."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Families in difficulty (困难家庭)")
        INSTITUTION = "institution", _("Institution")

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(_("visited"), max_length=12, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    leaders = models.CharField(_("leaders who took part"), max_length=200, blank=True)
    cash = models.DecimalField(_("cash (yuan)"), max_digits=14, decimal_places=2, default=0)
    goods_value = models.DecimalField(
        _("value of goods (yuan)"), max_digits=14, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="household") & Q(institution__isnull=True))
                | (Q(kind="institution") & Q(institution__isnull=False)),
                name="visit_kind_matches_institution",
            ),
            models.CheckConstraint(
                condition=Q(cash__gte=0) & Q(goods_value__gte=0),
                name="visit_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.institution.name if self.institution else str(self.get_kind_display())


def _photo_path(instance: Photo, filename: str) -> str:
    # A random name on disk: the person's file name is never a path.
    return f"activities/{instance.report_id}/{uuid.uuid4().hex}.jpg"


def _thumb_path(instance: Photo, filename: str) -> str:
    return f"activities/{instance.report_id}/{uuid.uuid4().hex}-thumb.jpg"


class Photo(models.Model):
    """A photo of an activity, re-encoded as JPEG without EXIF or GPS. Served only to people
    who may see its report."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=_thumb_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # The uploader confirmed the people who can be recognised agreed to be shown.
    consent = models.BooleanField(_("people shown agreed"), default=False)
    # Agreeing to be shown to the offices is not agreeing to the public internet: a photo
    # reaches the public site only with this second, separate consent.
    public_consent = models.BooleanField(_("people shown agreed to publication"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"

    @property
    def audit_org_path(self) -> str:
        return self.report.organisation.path


class TypicalActivity(models.Model):
    """A report its unit puts forward as typical (典型), and the office above's decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted as typical")
        DECLINED = "declined", _("Not taken")

    report = models.OneToOneField(ActivityReport, on_delete=models.CASCADE, related_name="typical")
    account = models.TextField(_("short account"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The adopting office's choice to tell the story on the public site.
    is_public = models.BooleanField(_("shown on the public site"), default=False)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("typical activity")
        verbose_name_plural = _("typical activities")

    def __str__(self) -> str:
        return str(self.report)

    @property
    def audit_org_path(self) -> str:
        return self.report.organisation.path


class MediaReportQuerySet(models.QuerySet["MediaReport"]):
    def visible_to(self, user: Any) -> MediaReportQuerySet:
        """Coverage by organisations in the user's jurisdiction."""
        condition = jurisdiction_q(user, "organisation__path")
        return self.none() if condition is None else self.filter(condition)


def _screenshot_path(instance: MediaReport, filename: str) -> str:
    # A random name, as for photos: the person's file name is never a path.
    return f"media_reports/{uuid.uuid4().hex}.jpg"


def _screenshot_thumb_path(instance: MediaReport, filename: str) -> str:
    return f"media_reports/{uuid.uuid4().hex}-thumb.jpg"


class MediaReport(models.Model):
    """Media coverage (宣传报道) of the campaign's activities. The screenshot goes through the
    photos' pipeline (re-encoded without metadata) and is served only to those who may see it."""

    class Kind(models.TextChoices):
        TV = "tv", _("TV")
        NEWSPAPER = "newspaper", _("Newspaper")
        WEBSITE = "website", _("Website")
        WECHAT = "wechat", _("WeChat official account (微信公众号)")
        WEIBO = "weibo", _("Weibo (微博)")
        SHORT_VIDEO = "short_video", _("Short video (短视频)")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="media_reports")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="media_reports"
    )
    outlet = models.CharField(_("outlet"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    screenshot = models.ImageField(_("screenshot"), upload_to=_screenshot_path, blank=True)
    screenshot_thumbnail = models.ImageField(upload_to=_screenshot_thumb_path, blank=True)
    screenshot_width = models.PositiveIntegerField(default=0)
    screenshot_height = models.PositiveIntegerField(default=0)
    activities = models.ManyToManyField(
        ActivityReport, blank=True, related_name="media_reports", verbose_name=_("activities")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MediaReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("media report")
        verbose_name_plural = _("media reports")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """The person's own imports, and those for organisations in their jurisdiction."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = jurisdiction_q(user, "organisation__path")
        mine = Q(created_by=user)
        # Not the file (up to 5 MB): the progress page is polled every few seconds.
        return self.filter(mine if condition is None else mine | condition).defer("data")


class ImportJob(LeasedJob):
    """An Excel import of activity reports saved by the background worker after a dry run.

    ``organisation`` is the nearest organisation above (or equal to) every organisation in the
    file's rows: it scopes who sees the job, and with the campaign and the file's digest it is
    the job's identity while it waits or runs (the same file sent twice is one job). The file
    is kept in ``data`` only until the job ends. A job whose worker died is retried or failed
    (``core.jobs``); a failed one may be discarded, and the same file imported again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="import_jobs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.CharField(_("file digest (SHA-256)"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    only_valid = models.BooleanField(_("only the valid rows"), default=False)
    # The person said the dates outside the campaign's year in the file are right.
    dates_confirmed = models.BooleanField(_("dates outside the campaign confirmed"), default=False)
    data = models.BinaryField(editable=False, default=b"")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    imported = models.PositiveIntegerField(_("reports imported"), default=0)
    # [{"row": 5, "message": "…"}]: rows skipped (already imported) and problems found.
    skipped = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            # The same file for the same campaign and organisation: one job while it waits or
            # runs, however often it is sent (a double click, two tabs, two people).
            models.UniqueConstraint(
                fields=["campaign", "organisation", "digest"],
                condition=Q(status__in=["queued", "running"]),
                name="import_job_once_while_pending",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "created_by"])]

    def __str__(self) -> str:
        return self.file_name or self.digest[:12]

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.DISCARDED)

    @property
    def is_discardable(self) -> bool:
        """Failed, or its worker died (nothing of it was saved: see ``core.jobs``)."""
        return self.status == self.Status.FAILED or self.is_stuck

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
