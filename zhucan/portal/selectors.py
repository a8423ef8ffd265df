"""What a public site shows: only what is published, inside the site's organisation or region.

Every query here filters on publication (approved plans' public activities, typical
activities the office above accepted and marked public, listed institutions, published
campaigns) and on the site's subtree, so that nothing else can reach a public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from zhucan.activities.models import ActivityReport, Institution, Photo, TypicalActivity
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.plans.models import Plan, PlannedActivity
from zhucan.portal.policies import Policy, policies_named

PAST_SHOWN = 30
STORIES_SHOWN = 50


def region_prefix(code: str) -> str:
    """GB/T 2260 nests by prefix: 410000 → 41, 410400 → 4104, 410422 → 410422."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def current_campaign(site: Organisation) -> Campaign | None:
    """The latest published campaign of the site's organisation, else of the nearest office
    above it that published one."""
    chain = [*reversed(site.ancestor_ids())]  # the site itself first, then upwards
    campaigns = list(
        Campaign.objects.filter(
            issuing_org_id__in=chain,
            status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED],
        )
        .select_related("kind", "notice", "issuing_org")
        .prefetch_related("slogans", "contacts")
        .order_by("-year", "-date", "-pk")
    )
    for org_id in chain:
        for campaign in campaigns:
            if campaign.issuing_org_id == org_id:
                return campaign
    return None


def public_activities(site: Organisation) -> QuerySet[PlannedActivity]:
    return PlannedActivity.objects.filter(
        is_public=True,
        plan__status=Plan.Status.APPROVED,
        plan__organisation__path__startswith=site.path,
        plan__organisation__is_active=True,
    ).select_related("plan__organisation", "region")


@dataclass
class WhatsOn:
    coming: list[PlannedActivity]
    past: list[PlannedActivity]


def whats_on(site: Organisation, *, today: date) -> WhatsOn:
    rows = public_activities(site)
    coming = list(rows.filter(end_date__gte=today).order_by("start_date", "pk"))
    past = list(rows.filter(end_date__lt=today).order_by("-start_date", "pk")[:PAST_SHOWN])
    return WhatsOn(coming=coming, past=past)


def public_activity(site: Organisation, pk: int) -> PlannedActivity:
    activity = public_activities(site).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def public_photos() -> QuerySet[Photo]:
    return Photo.objects.filter(public_consent=True)


def public_stories(site: Organisation) -> QuerySet[TypicalActivity]:
    return (
        TypicalActivity.objects.filter(
            status=TypicalActivity.Status.ACCEPTED,
            is_public=True,
            # A report returned for correction after it was accepted is not told meanwhile.
            report__status=ActivityReport.Status.ACCEPTED,
            report__organisation__path__startswith=site.path,
        )
        .select_related("report__organisation", "report__campaign")
        .prefetch_related(Prefetch("report__photos", queryset=public_photos(), to_attr="shown"))
        .order_by("-report__start_date", "-pk")
    )


def public_story(site: Organisation, pk: int) -> TypicalActivity:
    story = public_stories(site).filter(pk=pk).first()
    if story is None:
        raise Http404
    return story


def public_photo(site: Organisation, pk: int) -> Photo:
    photo = (
        public_photos()
        .filter(
            pk=pk,
            report__in=public_stories(site).values("report"),
        )
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def directory(site: Organisation, *, kind: str = "") -> QuerySet[Institution]:
    """The listed institutions located in the site's region, whoever keeps them."""
    rows = Institution.objects.filter(
        is_public=True, region__code__startswith=region_prefix(site.region_id)
    ).select_related("region")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "region_id", "name")


def policies(campaign: Campaign | None) -> list[Policy]:
    notice = getattr(campaign, "notice", None) if campaign is not None else None
    return policies_named(list(notice.body or [])) if notice is not None else []
