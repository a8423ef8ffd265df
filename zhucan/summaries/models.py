"""The summary report (活动总结) an organisation writes after a campaign.

The figures come live from the data when the document is generated; this row keeps only what a
person writes around them (the overview, a remark per duty, problems, next steps, the closing),
so that the figures in the document can never drift from the reports they count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation

# The free-text sections a person may write, in the order the document prints them.
TEXT_FIELDS = ("overview", "problems", "next_steps", "closing")


class SummaryReport(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="summaries"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="summary_reports",
    )
    overview = models.TextField(_("overview"), blank=True)
    # Duty number (as a string, JSON keys are strings) -> what the organisation adds about it.
    duty_remarks = models.JSONField(_("remarks per duty"), default=dict, blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    closing = models.TextField(_("closing remarks"), blank=True)
    # Optimistic locking: every save adds one; the form posts the version it was built from.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "organisation__path"]
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="summary_report_unique_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.campaign.year}"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path

    def remark_for(self, number: int) -> str:
        return str((self.duty_remarks or {}).get(str(number), ""))
