"""Reads for the media coverage pages and the institution directory: who may add, what the
list shows and how it counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhucan.activities.images import thumbnail_size
from zhucan.activities.models import ActivityReport, Institution, MediaReport
from zhucan.campaigns.models import Campaign
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.models import Organisation, Region, jurisdiction_paths, jurisdiction_q
from zhucan.orgs.roles import Capability


def visible_institutions(user: Any) -> QuerySet[Institution]:
    """Institutions kept by organisations in the user's jurisdiction."""
    condition = jurisdiction_q(user, "organisation__path")
    if condition is None:
        return Institution.objects.none()
    return Institution.objects.filter(condition)


def media_writers(user: Any) -> QuerySet[Organisation]:
    """The user's organisations that may report and received a published campaign."""
    return (
        organisations_with_capability(user, Capability.REPORT)
        .filter(is_active=True, receipts__campaign__status=Campaign.Status.PUBLISHED)
        .distinct()
        .order_by("sort_path", "pk")
    )


def institution_keepers(user: Any) -> QuerySet[Organisation]:
    """The user's organisations that may add to the institution directory."""
    writers = organisations_with_capability(user, Capability.REPORT) | (
        organisations_with_capability(user, Capability.COORDINATE)
    )
    return writers.filter(is_active=True).distinct().order_by("sort_path", "pk")


def regions_inside(orgs: list[Organisation]) -> QuerySet[Region]:
    """The current regions inside the organisations' own regions."""
    condition = Q(pk__in=[])
    for org in orgs:
        code = org.region_id
        # GB/T 2260 nests by prefix: 410000 → 41, 410400 → 4104, 410402 → 410402.
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        condition |= Q(code__startswith=prefix)
    return Region.objects.filter(condition, is_current=True).order_by("code")


@dataclass(frozen=True)
class MediaRow:
    media: MediaReport
    thumb_size: tuple[int, int]


def screenshot_thumb_size(media: MediaReport, long_side: int = 96) -> tuple[int, int]:
    """The size a screenshot's thumbnail is shown at (small in the list, so that the table
    still fits a phone)."""
    return thumbnail_size(media.screenshot_width, media.screenshot_height, long_side=long_side)


def campaigns_to_cover(organisations: QuerySet[Organisation]) -> QuerySet[Campaign]:
    """The published campaigns the organisations received: what new coverage may be for."""
    return (
        Campaign.objects.filter(
            status=Campaign.Status.PUBLISHED, receipts__organisation__in=organisations
        )
        .select_related("kind", "issuing_org", "notice")
        .distinct()
    )


def activities_to_cover(organisations: QuerySet[Organisation]) -> QuerySet[ActivityReport]:
    """The organisations' reports under published campaigns: what new coverage may be about."""
    return (
        ActivityReport.objects.filter(
            organisation__in=organisations, campaign__status=Campaign.Status.PUBLISHED
        )
        .select_related("organisation")
        .order_by("organisation__sort_path", "-start_date")
    )


def media_campaigns(user: Any) -> QuerySet[Campaign]:
    """The campaigns that have coverage the user may see: the list's filter choices."""
    visible = MediaReport.objects.visible_to(user)
    return Campaign.objects.filter(pk__in=visible.values("campaign")).select_related(
        "kind", "issuing_org", "notice"
    )


def filtered_media(
    user: Any, *, campaign: Campaign | None = None, kind: str = ""
) -> QuerySet[MediaReport]:
    """The coverage the user may see, narrowed by the list's filters."""
    rows = MediaReport.objects.visible_to(user)
    if campaign:
        rows = rows.filter(campaign=campaign)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def counts_per_level_below(user: Any, rows: QuerySet[MediaReport]) -> list[tuple[str, int]]:
    """Counts per organisation rolled up to the level directly below the top of the user's
    jurisdiction: a city sees each county (with its units) and each of its own units; a county
    its units. The top organisation's own reports stay on their own line."""
    counts = rows.values_list("organisation__path").annotate(n=Count("pk")).order_by()
    roots = sorted(jurisdiction_paths(user), key=len, reverse=True) or ["/"]
    totals: dict[int, int] = {}
    for org_path, n in counts:
        root = next((r for r in roots if org_path.startswith(r)), "/")
        rest = org_path[len(root) :].strip("/")
        key = int(rest.split("/")[0]) if rest else int(root.strip("/").split("/")[-1] or 0)
        totals[key] = totals.get(key, 0) + n
    names = dict(Organisation.objects.filter(pk__in=totals).values_list("pk", "name"))
    return sorted(((names.get(pk, ""), n) for pk, n in totals.items()), key=lambda row: row[0])


def covered_activities(user: Any, media: MediaReport) -> list[ActivityReport]:
    """The activity reports the coverage is about that the user may see."""
    return list(
        ActivityReport.objects.visible_to(user)
        .filter(media_reports=media)
        .select_related("organisation")
    )


def institutions_page_rows(user: Any, *, kind: str = "") -> QuerySet[Institution]:
    """The directory as the user sees it, by region then name, narrowed to ``kind``."""
    rows = visible_institutions(user).select_related("region", "organisation")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("region_id", "name")
