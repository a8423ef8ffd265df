"""Roll-up cells: the figures of accepted reports, summed for every campaign and every node.

One cell per (campaign, organisation, metric), where the campaign is the report's own campaign
or any campaign above it (a county's campaign cascaded from the city's counts in both), and the
organisation is the reporting organisation or any organisation above it that lies inside the
campaign's issuer's subtree. A dashboard for a node then reads the cells of the node and of its
children: a few hundred rows, whatever the number of reports under it.

The cells are kept up to date in the same transaction as the accept or return that changes them
(``services.cells``), and rebuilt from the reports with set-based SQL by ``rebuild_stats``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation


class Cell(models.Model):
    # The unique constraint's index (campaign, organisation, metric) serves every read: a
    # dashboard asks for one campaign and a handful of organisations.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Organisations are never deleted (everything protects them): no index of its own.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
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
