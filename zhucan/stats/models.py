"""Roll-up cells: the figures of accepted reports, summed for every campaign and every node.

One cell per (campaign, organisation, metric), where the campaign is the report's own campaign
or any campaign above it (a county's campaign cascaded from the city's counts in both), and the
organisation is the reporting organisation or any organisation above it that lies inside the
campaign's issuer's subtree. A dashboard for a node then reads the cells of the node and of its
children: a few hundred rows, whatever the number of reports under it.

The cells are kept up to date in the same transaction as the accept or return that changes them
(``services.cells``), and rebuilt from the reports with set-based SQL by ``rebuild_stats``.

``ExportJob`` is a person's background export of the reports themselves (``exports.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.core.jobs import LeasedJob
from zhucan.orgs.models import Organisation


class Cell(models.Model):
    # The unique constraint's index (campaign, organisation, metric) serves every read: a
    # dashboard asks for one campaign and a handful of organisations.
    # Cells are derived data, rebuilt by the million: no database foreign-key constraints, whose
    # checks at commit took as long as the whole rebuild of the national tree. Django still
    # deletes a campaign's cells with it (only drafts are ever deleted, and they have none).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # Organisations are never deleted (everything protects them): no index of its own.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # See metrics.py: "reports", "cash", "category:visit", "indicator:12", "visit:care_home" …
    metric = models.CharField(max_length=40)
    # The figure: a sum (people, yuan, indicator values) or a number of reports or visits.
    value = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    # How many rows (reports, indicator values, visits) went into the figure.
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("statistics cell")
        verbose_name_plural = _("statistics cells")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "metric"], name="stats_cell_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organisation_id}/{self.metric}={self.value}"


# How long a finished export's file is kept; then ``purge_expired_exports`` deletes it.
EXPORT_KEEP_DAYS = 7


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def mine(self, user: Any) -> ExportJobQuerySet:
        """The person's own exports: nobody else's, not even those of their own office (a file
        is the person's download, like a notification)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class ExportJob(LeasedJob):
    """Every accepted report under a node, with the dashboard's filters, written to an .xlsx
    file by the background worker (``services.export_jobs``).

    While it waits or runs, the same person asking for the same campaign, node and filters
    gets this job back (``filters_key`` is the filters as canonical JSON). The file lives in
    the default storage under a random name until ``expires_at``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Exporting")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # {"duty": 3, "category": "visit", "mode": "", "date_from": "2020-05-01", "date_to": null}
    filters = models.JSONField(default=dict, blank=True)
    filters_key = models.CharField(max_length=200, default="{}")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("reports to export"), default=0)
    rows_done = models.PositiveIntegerField(_("reports written"), default=0)
    file_name = models.CharField(_("file in storage"), max_length=255, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            # A double click, two tabs: one job while it waits or runs.
            models.UniqueConstraint(
                fields=["created_by", "campaign", "node", "filters_key"],
                condition=Q(status__in=["queued", "running"]),
                name="stats_export_once_while_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "created_at"]),
            # The purge looks for finished files past their time.
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} · {self.campaign_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def audit_org_path(self) -> str:
        return self.node.path

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class CellVersion(models.Model):
    """How many times the cells of one (campaign, organisation) have changed: every accept,
    return and delivery under the organisation adds one, in the same transaction as the cells,
    and a rebuild adds one to every pair it recomputes. The cached dashboard of a node is keyed
    by it, so no app server can serve figures older than the database's (a time would not do:
    two transactions may commit in the other order than they read the clock).
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
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="stats_cell_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organisation_id} v{self.version}"
