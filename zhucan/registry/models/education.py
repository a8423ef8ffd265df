"""One child, one plan (一人一案): getting an unenrolled disabled child of school age to school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhucan.orgs.models import Organisation
from zhucan.registry.models.people import Person


class EducationCase(models.Model):
    class Placement(models.TextChoices):
        REGULAR_SCHOOL = "regular", _("Regular school (随班就读)")
        SPECIAL_SCHOOL = "special", _("Special-education school (特教学校)")
        HOME_TEACHING = "home", _("Teaching at home (送教上门)")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified, not yet planned")
        PLANNED = "planned", _("Plan agreed")
        ENROLLED = "enrolled", _("Enrolled")
        CLOSED = "closed", _("Closed (other reason)")

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education_cases")
    school_year = models.PositiveSmallIntegerField(_("school year (autumn term starts)"))
    placement = models.CharField(_("plan"), max_length=10, choices=Placement.choices, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    education_office = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible education office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    federation_office = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible federation office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED
    )
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-school_year", "id"]
        verbose_name = _("one-child-one-plan case")
        verbose_name_plural = _("one-child-one-plan cases")
        constraints = [
            models.UniqueConstraint(fields=["child", "school_year"], name="education_case_once")
        ]

    def __str__(self) -> str:
        # No name: this is what the audit log keeps of a case.
        return f"{self._meta.verbose_name} #{self.pk} ({self.school_year})"

    @property
    def audit_org_path(self) -> str:
        return self.child.org_path
