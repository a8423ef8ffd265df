"""Reads that are more than a filter: the plan page, the review diff, overviews and roll-ups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.orgs.access import capability_roots
from zhucan.orgs.models import Membership, Organisation, under_paths
from zhucan.orgs.roles import ROLE_CAPABILITIES, Capability
from zhucan.plans.models import (
    SECTIONS,
    Plan,
    PlanComment,
    PlannedActivity,
    PlanVersion,
    SafetyRules,
)
from zhucan.plans.safety import ONLINE_MODES, RuleBreak, check_activities, online_share, rules_for
from zhucan.plans.versions import PlanDiff, diff_snapshots, section_label


@dataclass
class SectionView:
    key: str
    label: str
    text: str
    comments: list[PlanComment] = field(default_factory=list)


@dataclass
class ActivityView:
    number: int
    activity: PlannedActivity
    comments: list[PlanComment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class PlanPage:
    plan: Plan
    sections: list[SectionView]
    activities: list[ActivityView]
    comments: list[PlanComment]  # on the whole plan, or on an activity since removed
    warnings: list[RuleBreak]
    versions: list[PlanVersion]
    online_share: int | None
    rules: SafetyRules


def plan_page(plan: Plan) -> PlanPage:
    """Everything the plan and review pages show, with comments beside what they are about."""
    activities = list(plan.activities.select_related("duty", "region"))
    comments = list(plan.comments.select_related("author", "version"))
    rules = rules_for(plan.campaign)
    warnings = check_activities(rules, activities)
    sections = [SectionView(k, section_label(k), getattr(plan, k)) for k in SECTIONS]
    by_section = {s.key: s for s in sections}
    views = [ActivityView(n, a) for n, a in enumerate(activities, start=1)]
    by_activity = {v.activity.pk: v for v in views}
    general = []
    for comment in comments:
        if comment.activity_id in by_activity:
            by_activity[comment.activity_id].comments.append(comment)
        elif comment.section in by_section:
            by_section[comment.section].comments.append(comment)
        else:
            general.append(comment)
    for warning in warnings:
        if warning.activity_id in by_activity:
            by_activity[warning.activity_id].warnings.append(warning.message)
    return PlanPage(
        plan=plan,
        sections=sections,
        activities=views,
        comments=general,
        warnings=warnings,
        versions=list(plan.versions.select_related("submitted_by").order_by("-number")),
        online_share=online_share(activities),
        rules=rules,
    )


def version_diff(versions: list[PlanVersion]) -> PlanDiff | None:
    """What the latest submission changed since the one before (None for a first one).

    ``versions`` newest first, as ``PlanPage.versions`` holds them.
    """
    if len(versions) < 2:
        return None
    return diff_snapshots(versions[1].snapshot, versions[0].snapshot)


# --- Overviews --------------------------------------------------------------------------

STATUS_ORDER = {"none": 0, "draft": 1, "returned": 2, "submitted": 3, "approved": 4}


@dataclass
class OverviewRow:
    organisation: Organisation
    plan: Plan | None
    online_share: int | None
    warnings: int

    @property
    def status(self) -> str:
        return self.plan.status if self.plan else "none"

    @property
    def late(self) -> bool:
        return bool(self.plan and self.plan.late)

    @property
    def submitted_at(self) -> datetime | None:
        return self.plan.submitted_at if self.plan else None


SORT_KEYS: dict[str, Any] = {
    "organisation": lambda r: r.organisation.path,
    "status": lambda r: STATUS_ORDER[r.status],
    "late": lambda r: r.late,
    "submitted": lambda r: r.submitted_at,
    "online": lambda r: r.online_share,
    "warnings": lambda r: r.warnings,
}


def sort_rows(rows: list[OverviewRow], sort: str) -> list[OverviewRow]:
    """Sort by a column ("-" first for descending); rows without a value always go last."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    value = SORT_KEYS.get(key, SORT_KEYS["organisation"])
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    # Python's sort is stable: ties keep the organisation-tree order they came in.
    return sorted(present, key=value, reverse=descending) + missing


def plans_overview(campaign: Campaign, sort: str = "organisation") -> list[OverviewRow]:
    """Every recipient with its plan (or none), online share and rule warnings. Four queries."""
    rules = rules_for(campaign)
    plans = {
        p.organisation_id: p
        for p in Plan.objects.filter(campaign=campaign).prefetch_related("activities")
    }
    rows = []
    for receipt in campaign.receipts.select_related("organisation").order_by(
        "organisation__sort_path"
    ):
        plan = plans.get(receipt.organisation_id)
        activities = list(plan.activities.all()) if plan else []
        rows.append(
            OverviewRow(
                organisation=receipt.organisation,
                plan=plan,
                online_share=online_share(activities),
                warnings=len(check_activities(rules, activities)) if plan else 0,
            )
        )
    return sort_rows(rows, sort)


@dataclass(frozen=True)
class OnlineShare:
    organisation: Organisation
    status: str
    activities: int
    online: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.online / self.activities) if self.activities else None


def online_share_by_org(campaign: Campaign) -> list[OnlineShare]:
    """Share of online activities in each submitted plan (drafts are not the city's yet)."""
    plans = (
        Plan.objects.filter(campaign=campaign)
        .exclude(status=Plan.Status.DRAFT)
        .annotate(
            total=Count("activities"),
            online=Count("activities", filter=Q(activities__mode__in=ONLINE_MODES)),
        )
        .select_related("organisation")
        .order_by("organisation__sort_path")
    )
    return [OnlineShare(p.organisation, p.status, p.total, p.online) for p in plans]  # type: ignore[attr-defined]


def planned_activities_by_duty(
    campaign: Campaign, *, user: Any = None
) -> dict[tuple[int, int], list[PlannedActivity]]:
    """Planned activities per (duty id, organisation id), for the duty matrix's cells.

    Submitted, returned and approved plans count; a draft is not a plan the issuer has seen.
    Pass ``user`` to keep to the plans that person may see. One query.
    """
    activities = (
        PlannedActivity.objects.filter(plan__campaign=campaign, duty__isnull=False)
        .exclude(plan__status=Plan.Status.DRAFT)
        .select_related("plan__organisation", "duty")
        .order_by("duty__number", "plan__organisation__sort_path", "start_date", "pk")
    )
    if user is not None:
        activities = activities.filter(plan__in=Plan.objects.visible_to(user))
    cells: dict[tuple[int, int], list[PlannedActivity]] = defaultdict(list)
    for activity in activities:
        assert activity.duty_id is not None
        cells[(activity.duty_id, activity.plan.organisation_id)].append(activity)
    return dict(cells)


# --- A person's own lists (the plans page and the to-do list) -----------------------------

OPEN_CAMPAIGNS = (Campaign.Status.PUBLISHED, Campaign.Status.CLOSED)


@dataclass(frozen=True)
class MyPlanRow:
    receipt: Receipt
    plan: Plan | None


def my_plan_rows(user: Any, *, limit: int = 100) -> list[MyPlanRow]:
    """Each notice the person's own organisations received, with that organisation's plan.

    "Own" is where the person holds a role that writes plans, not the subtree below it: a
    county officer writes the county's plan; its units write theirs. Three queries.
    """
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.REPORT in caps]
    orgs = Membership.objects.filter(
        user_id=user.pk or 0, role__in=roles, organisation__is_active=True
    ).values("organisation")
    receipts = list(
        Receipt.objects.filter(organisation__in=orgs, campaign__status__in=OPEN_CAMPAIGNS)
        .select_related(
            "campaign__notice", "campaign__kind", "campaign__issuing_org", "organisation"
        )
        .prefetch_related("campaign__contacts")
        .order_by("-campaign__year", "-campaign__created_at", "organisation__sort_path")[:limit]
    )
    plans = {
        (p.campaign_id, p.organisation_id): p
        for p in Plan.objects.filter(
            campaign_id__in={r.campaign_id for r in receipts},
            organisation_id__in={r.organisation_id for r in receipts},
        )
    }
    return [MyPlanRow(r, plans.get((r.campaign_id, r.organisation_id))) for r in receipts]


def plans_to_review(user: Any, *, limit: int = 100) -> list[Plan]:
    """Submitted plans for campaigns issued where the person reviews. One query."""
    condition = under_paths(
        capability_roots(user, Capability.REVIEW), "campaign__issuing_org__path"
    )
    if condition is None:
        return []
    return list(
        Plan.objects.filter(condition, status=Plan.Status.SUBMITTED)
        .select_related("organisation", "campaign__notice")
        .order_by("submitted_at")[:limit]
    )


def overseen_campaigns(user: Any, *, limit: int = 20) -> list[Campaign]:
    """Published campaigns issued where the person coordinates or reviews (their overviews)."""
    roots = capability_roots(user, Capability.REVIEW) + capability_roots(
        user, Capability.COORDINATE
    )
    condition = under_paths(roots, "issuing_org__path")
    if condition is None:
        return []
    return list(
        Campaign.objects.filter(condition, status__in=OPEN_CAMPAIGNS)
        .select_related("notice", "issuing_org")
        .order_by("-year", "-created_at")[:limit]
    )
