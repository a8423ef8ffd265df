"""Reads for the report pages that are more than a filter: the list, its filters, the choices a
report form offers, and everything the detail page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhucan.activities.duty_suggestions import suggest_duties
from zhucan.activities.models import ActivityReport, Indicator, IndicatorValue, Institution, Visit
from zhucan.activities.services.reports import indicators_for
from zhucan.campaigns.models import Campaign, Duty, Receipt
from zhucan.orgs.access import capability_roots
from zhucan.orgs.models import Membership, Organisation, Region, under_paths
from zhucan.orgs.roles import DECIDING_CAPABILITIES, ROLE_CAPABILITIES, Capability
from zhucan.plans.models import PlannedActivity

# --- The list ------------------------------------------------------------------------------


def visible_reports(
    user: Any,
    *,
    q: str = "",
    campaign: int | None = None,
    status: str = "",
    organisation: int | None = None,
) -> QuerySet[ActivityReport]:
    """The reports the person may see, newest first, narrowed by the list's search."""
    reports = ActivityReport.objects.visible_to(user).select_related(
        "organisation", "campaign__notice"
    )
    if q:
        reports = reports.filter(title__icontains=q)
    if campaign:
        reports = reports.filter(campaign_id=campaign)
    if status:
        reports = reports.filter(status=status)
    if organisation:
        reports = reports.filter(organisation_id=organisation)
    return reports.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class FilterChoices:
    campaigns: list[tuple[int, str]]
    organisations: list[tuple[int, str]]


def filter_choices(user: Any) -> FilterChoices:
    """The campaigns and organisations that have reports the person may see. Two queries."""
    visible = ActivityReport.objects.visible_to(user)
    campaigns = (
        Campaign.objects.filter(pk__in=visible.values("campaign_id"))
        .select_related("notice")
        .order_by("-year", "-created_at")
    )
    orgs = Organisation.objects.filter(pk__in=visible.values("organisation_id")).order_by(
        "sort_path", "pk"
    )
    return FilterChoices(
        campaigns=[(c.pk, c.notice.title if hasattr(c, "notice") else str(c)) for c in campaigns],
        organisations=[(o.pk, o.name) for o in orgs],
    )


def reports_to_review(user: Any, *, limit: int = 50) -> list[ActivityReport]:
    """Submitted reports of organisations below where the person reviews or coordinates,
    except those they wrote (someone else must decide on those) and those of the very
    organisation where they hold the role (the office above decides: ``access.decides_for``).
    One query."""
    roots = [
        path for capability in DECIDING_CAPABILITIES for path in capability_roots(user, capability)
    ]
    if getattr(user, "is_superuser", False):
        roots = ["/"]
    condition = under_paths(roots, "organisation__path")
    if condition is None:
        return []
    # A role's own organisation, unless another of the person's roles sits above it.
    own = [r for r in roots if not any(r != o and r.startswith(o) for o in roots)]
    return list(
        ActivityReport.objects.visible_to(user)
        .filter(condition, status=ActivityReport.Status.SUBMITTED)
        .exclude(created_by_id=user.pk)
        .exclude(organisation__path__in=own, organisation__parent__isnull=False)
        .select_related("organisation", "campaign__notice")
        .order_by("submitted_at", "pk")[:limit]
    )


def new_report_choices(user: Any, *, limit: int = 100) -> list[Receipt]:
    """The published campaigns each of the person's own organisations received, where the person
    holds a role that writes reports (as plans do: "own" is the membership, not the subtree)."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.REPORT in caps]
    orgs = Membership.objects.filter(
        user_id=user.pk or 0, role__in=roles, organisation__is_active=True
    ).values("organisation")
    return list(
        Receipt.objects.filter(organisation__in=orgs, campaign__status=Campaign.Status.PUBLISHED)
        .select_related("campaign__notice", "organisation")
        .order_by("-campaign__year", "-campaign__created_at", "organisation__sort_path")[:limit]
    )


# --- The form ------------------------------------------------------------------------------


def institutions_in_area(organisation: Organisation) -> QuerySet[Institution]:
    """The directory's institutions inside the organisation's own region (a county sees its
    county's, not its neighbours'): what its reports may name as visited."""
    code = organisation.region_id or ""
    if not code:
        return Institution.objects.none()
    # GB/T 2260 nests by prefix: 410000 → 41, 410400 → 4104, 410402 → 410402 (and 419001,
    # a county directly under the province, is its own prefix).
    prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return Institution.objects.filter(region__code__startswith=prefix).order_by("name", "pk")


@dataclass
class ReportChoices:
    """What a report of ``organisation`` for ``campaign`` may name, read once for the page."""

    indicators: list[Indicator]
    duties: dict[int, Duty]
    regions: dict[str, Region]
    planned: dict[int, PlannedActivity]
    institutions: dict[int, Institution]

    @classmethod
    def load(cls, campaign: Campaign, organisation: Organisation) -> ReportChoices:
        # The organisation's city (or province): a short list of regions, not all 6,000.
        code = organisation.region_id or ""
        prefix = code[:2] if code.endswith("0000") else code[:4]
        regions = Region.objects.filter(code__startswith=prefix, is_current=True).order_by("code")
        planned = PlannedActivity.objects.filter(
            plan__campaign=campaign, plan__organisation=organisation
        ).select_related("plan")
        institutions = institutions_in_area(organisation)
        return cls(
            indicators=indicators_for(campaign),
            duties={d.pk: d for d in campaign.duties.all()},
            regions={r.code: r for r in regions},
            planned={p.pk: p for p in planned.order_by("start_date", "pk")},
            institutions={i.pk: i for i in institutions},
        )


# --- The detail page -----------------------------------------------------------------------


@dataclass
class ReportPage:
    report: ActivityReport
    duties: list[Duty]
    values: list[IndicatorValue]
    visits: list[Visit]


def report_page(report: ActivityReport) -> ReportPage:
    """Everything the detail page shows beside the report's own fields. Three queries."""
    return ReportPage(
        report=report,
        duties=list(report.duties.order_by("number")),
        values=list(
            report.values.select_related("indicator").order_by("indicator__position", "pk")
        ),
        visits=list(report.visits.select_related("institution")),
    )


def suggested_duties(
    choices: ReportChoices, organisation: Organisation, report: ActivityReport | None
) -> list[Any]:
    """The duties to tick for a report that has none: reporters rarely tick one themselves."""
    if not choices.duties:
        return []
    assigned = list(
        organisation.duty_assignments.filter(duty__in=list(choices.duties)).values_list(
            "duty_id", flat=True
        )
    )
    planned = report.planned_activity if report is not None else None
    return suggest_duties(
        duties=choices.duties.values(),
        organisation=organisation,
        category=report.category if report is not None else "",
        planned_duty_id=getattr(planned, "duty_id", None),
        assigned_duty_ids=assigned,
    )
