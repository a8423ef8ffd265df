"""Campaigns and their notices (通知): the document that starts the work down the tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhucan.orgs.models import Organisation, jurisdiction_q


class CampaignKind(models.Model):
    """A recurring day (全国助残日, 全国爱耳日 …) and the rule that gives its date and edition."""

    class DateRule(models.TextChoices):
        NONE = "none", _("No fixed date")
        FIXED = "fixed", _("Same day every year")
        NTH_WEEKDAY = "nth_weekday", _("The n-th weekday of a month")

    name = models.CharField(_("name"), max_length=40, unique=True)
    date_rule = models.CharField(
        _("date rule"), max_length=20, choices=DateRule.choices, default=DateRule.NONE
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    # Python's weekday(): Monday 0 … Sunday 6.
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)
    nth = models.PositiveSmallIntegerField(_("which week"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first held in"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign kind")
        verbose_name_plural = _("campaign kinds")

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: Any) -> CampaignQuerySet:
        """Campaigns issued in the user's jurisdiction, or addressed to an organisation in it."""
        issued = jurisdiction_q(user, "issuing_org__path")
        if issued is None:
            return self.none()
        if not issued:  # a superuser
            return self.all()
        # A subquery, not a join: a national campaign has tens of thousands of receipts, and
        # joining them all to then DISTINCT the rows made every campaign page pay ~10 ms.
        received = Exists(
            Receipt.objects.filter(
                jurisdiction_q(user, "organisation__path") or Q(pk__in=[]),
                campaign=OuterRef("pk"),
            )
        )
        published = Q(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED])
        return self.filter(issued | (published & received))


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    kind = models.ForeignKey(
        CampaignKind,
        verbose_name=_("campaign kind"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.PositiveSmallIntegerField(_("edition"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    issuing_org = models.ForeignKey(
        Organisation,
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publicity = models.TextField(_("publicity requirements"), blank=True)
    plans_due = models.DateField(_("plans due"), null=True, blank=True)
    reports_due = models.DateField(_("reports due"), null=True, blank=True)
    summary_due = models.DateField(_("summary due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        edition = f"第{self.edition}次" if self.edition else ""
        issuer = self.issuing_org.short_name or self.issuing_org.name
        # Two campaigns of one kind, year and issuer (a notice sent again, corrected) differ
        # only by their 文号. It is shown when the notice was loaded with the campaign
        # (select_related("notice")), so that a select of campaigns stays one query.
        notice = self._state.fields_cache.get("notice")
        if notice is not None and notice.doc_number:
            return f"{self.year}年{edition}{self.kind.name}（{issuer}，{notice.doc_number}）"
        return f"{self.year}年{edition}{self.kind.name}（{issuer}）"

    @property
    def audit_org_path(self) -> str:
        return self.issuing_org.path


class Notice(models.Model):
    """The 公文 itself, in structured form. Body blocks keep the notice's own heading levels."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="notice")
    header = models.CharField(_("header"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    doc_number = models.CharField(_("document number"), max_length=40, blank=True)
    issuer_code = models.CharField(_("issuer code"), max_length=20, blank=True)
    doc_year = models.PositiveSmallIntegerField(null=True, blank=True)
    doc_serial = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    body = models.JSONField(_("body"), default=list, blank=True)
    signature = models.CharField(_("signature"), max_length=100, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    copied_to = models.JSONField(_("copied to"), default=list, blank=True)
    printer = models.CharField(_("printed by"), max_length=100, blank=True)
    source_text = models.TextField(blank=True)
    parse_report = models.JSONField(default=list, blank=True)
    unmatched_recipients = models.JSONField(default=list, blank=True)
    # Organisations a person added by hand where the notice's words matched nothing.
    extra_recipients = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("added recipients")
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "doc_year", "doc_serial"],
                condition=~Q(issuer_code=""),
                name="notice_unique_doc_number",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The title with its 文号 (or the year when it has none): titles repeat every year."""
        if self.doc_number:
            return f"{self.title}（{self.doc_number}）"
        campaign = self._state.fields_cache.get("campaign")
        year = self.doc_year or (campaign.year if campaign is not None else None)
        return f"{self.title}（{year}年）" if year else self.title

    @property
    def audit_org_path(self) -> str:
        return self.campaign.issuing_org.path


class Slogan(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="slogans")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(_("slogan"), max_length=100)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="slogan_unique_number")
        ]

    def __str__(self) -> str:
        return self.text


class Contact(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("contact"), max_length=40)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("email"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Deadline(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Activity plans")
        REPORT = "report", _("Activity reports")
        TYPICAL = "typical", _("Typical activities")
        SUMMARY = "summary", _("Summary report")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    what = models.CharField(_("what is due"), max_length=100)
    due = models.DateField(_("due date"))

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.what} {self.due}"


class Duty(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="duties")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("duty"))
    # Canonical department names as the notice words them (民政, 人力资源社会保障 …).
    departments = models.JSONField(_("departments"), default=list, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="duty_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"

    @property
    def audit_org_path(self) -> str:
        return self.campaign.issuing_org.path


class DutyAssignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="duty_assignments"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.ASSIGNED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["duty", "organisation"], name="duty_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.duty} → {self.organisation}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


class Receipt(models.Model):
    """A recipient organisation's copy of a published notice, and whether it has signed (签收)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="receipts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="receipts"
    )
    sent_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the recipient first submitted its plan and its first activity report, copied here by
    # the plans and activities services as it happens: completeness and the dashboards then read
    # one row per recipient instead of probing millions of reports (4 s → 0.1 s nationally).
    first_plan_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_report_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.campaign}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


def _attachment_path(instance: NoticeAttachment, filename: str) -> str:
    # A random name on disk: the person's file name is kept only as data, never as a path.
    import uuid

    return f"notices/{instance.notice_id}/{uuid.uuid4().hex}"


class NoticeAttachment(models.Model):
    """A file sent with the notice (附件): a form to fill, a table, a list."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.notice.campaign.issuing_org.path
