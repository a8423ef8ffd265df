"""Who sees which report, and who may write or review. Outside a jurisdiction: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.activities.models import ActivityReport, ImportJob, MediaReport, TypicalActivity
from zhucan.campaigns.models import Campaign
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import DECIDED_FROM_ABOVE, DECIDING_CAPABILITIES, Capability


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


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def get_media_for_user(user: Any, pk: Any) -> MediaReport:
    return get_object_or_404(
        MediaReport.objects.visible_to(user).select_related("organisation", "campaign"),
        pk=_pk(pk),
    )


def visible_typicals(user: Any) -> QuerySet[TypicalActivity]:
    """Typical activities whose report the user may see; every typical query starts here."""
    reports = ActivityReport.objects.visible_to(user)
    return TypicalActivity.objects.filter(report__in=reports.values("pk")).select_related(
        "report__organisation__parent",
        "report__campaign__issuing_org",
        "report__campaign__kind",
    )


def get_typical_for_user(user: Any, pk: Any) -> TypicalActivity:
    return get_object_or_404(visible_typicals(user), pk=_pk(pk))


def get_import_job_for_user(user: Any, campaign: Campaign, pk: Any) -> ImportJob:
    """An import job of this campaign that the person may follow; 404 otherwise."""
    return get_object_or_404(ImportJob.objects.visible_to(user), campaign=campaign, pk=_pk(pk))


def can_write(user: Any, report: ActivityReport) -> bool:
    return report.is_editable and has_capability(user, Capability.REPORT, report.organisation)


def decides_for(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may accept or return reports of ``organisation``: through a role held
    above it, never at the organisation itself (``orgs.roles.DECIDED_FROM_ABOVE``)."""
    over = organisation.parent if DECIDED_FROM_ABOVE and organisation.parent_id else organisation
    return any(has_capability(user, cap, over) for cap in DECIDING_CAPABILITIES)


def can_review(user: Any, report: ActivityReport) -> bool:
    """Reviewers and coordinators above the reporting organisation, not the report's author."""
    return decides_for(user, report.organisation) and report.created_by_id != user.pk
