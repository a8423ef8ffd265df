"""Whose summary a person opens, and who may write it. Outside a jurisdiction: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.functions import Length
from django.http import Http404

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.orgs.access import get_organisation_for_user, has_capability
from zhucan.orgs.models import Organisation, jurisdiction_paths, jurisdiction_q
from zhucan.orgs.roles import Capability


def _takes_part(org: Organisation, cascade: list[Campaign]) -> bool:
    """The organisation issued one of the cascade's campaigns or received one of them."""
    if any(c.issuing_org_id == org.pk for c in cascade):
        return True
    return Receipt.objects.filter(campaign__in=[c.pk for c in cascade], organisation=org).exists()


def default_organisation(user: Any, cascade: list[Campaign]) -> Organisation | None:
    """The user's own top organisation that takes part in the campaign; else the issuer when
    the user's jurisdiction covers it; else the highest recipient in the jurisdiction."""
    campaign = cascade[0]
    if user.is_superuser:
        return campaign.issuing_org
    roots = jurisdiction_paths(user)
    own = Organisation.objects.filter(path__in=roots).annotate(n=Length("path")).order_by("n")
    ids = [c.pk for c in cascade]
    issuers = {c.issuing_org_id for c in cascade}
    receiving = set(
        Receipt.objects.filter(campaign__in=ids, organisation__path__in=roots).values_list(
            "organisation_id", flat=True
        )
    )
    for org in own:
        if org.pk in issuers or org.pk in receiving:
            return org
    if any(campaign.issuing_org.path.startswith(root) for root in roots):
        return campaign.issuing_org
    scope = jurisdiction_q(user, "organisation__path")
    if scope is None:
        return None
    first = (
        Receipt.objects.filter(scope, campaign__in=ids)
        .select_related("organisation")
        .annotate(n=Length("organisation__path"))
        .order_by("n", "organisation__path")
        .first()
    )
    return first.organisation if first else None


def summary_organisation(user: Any, cascade: list[Campaign], org_pk: Any = None) -> Organisation:
    """The organisation whose summary is asked for: ``?org=`` within the jurisdiction and on
    the campaign's ground, or the default. 404 otherwise, never a hint."""
    if org_pk:
        org = get_organisation_for_user(user, org_pk)
        # Anything under the issuer is the campaign's ground; elsewhere, only participants.
        if not org.path.startswith(cascade[0].issuing_org.path) and not _takes_part(org, cascade):
            raise Http404
        return org
    found = default_organisation(user, cascade)
    if found is None:
        raise Http404
    return Organisation.objects.select_related("region", "parent").get(pk=found.pk)


def can_edit(user: Any, org: Organisation) -> bool:
    """Coordinators and reviewers of the organisation (or above it) write its summary."""
    return has_capability(user, Capability.COORDINATE, org) or has_capability(
        user, Capability.REVIEW, org
    )


def summary_scope(user: Any, org: Organisation, field: str = "organisation__path") -> Q:
    """Rows of the organisation's subtree that the user may see."""
    scope = jurisdiction_q(user, field)
    if scope is None:
        return Q(pk__in=[])
    return scope & Q(**{f"{field}__startswith": org.path})
