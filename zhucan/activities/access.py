"""Who sees which report, and who may write or review. Outside a jurisdiction: 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.activities.models import ActivityReport
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


def get_report_for_user(user: Any, pk: Any) -> ActivityReport:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        ActivityReport.objects.visible_to(user).select_related(
            "organisation", "campaign__issuing_org", "campaign__notice", "region"
        ),
        pk=pk,
    )


def can_write(user: Any, report: ActivityReport) -> bool:
    return report.is_editable and has_capability(user, Capability.REPORT, report.organisation)


def can_review(user: Any, report: ActivityReport) -> bool:
    """Reviewers and coordinators of the reporting organisation or above, not its author."""
    org = report.organisation
    allowed = has_capability(user, Capability.REVIEW, org) or has_capability(
        user, Capability.COORDINATE, org
    )
    return allowed and report.created_by_id != user.pk
