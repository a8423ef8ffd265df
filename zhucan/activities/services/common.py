"""Checks shared by the activity services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhucan.activities.models import ActivityReport
from zhucan.core.errors import DomainError
from zhucan.orgs.access import require_capability

# The services' name for the one capability check (a name here, so that it is exported).
require = require_capability


def lock(report: ActivityReport) -> ActivityReport:
    return (
        ActivityReport.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign__issuing_org")
        .get(pk=report.pk)
    )


def check_version(report: ActivityReport, version: int) -> None:
    if report.version != version:
        raise DomainError(
            _(
                "Someone else changed this report while you had it open. "
                "Reload the page to see their changes, then make yours again."
            )
        )
