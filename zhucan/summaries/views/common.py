"""What every summary view starts from: the campaign, its cascade and the organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.selectors import cascade
from zhucan.orgs.models import Organisation
from zhucan.summaries.access import summary_organisation


@dataclass(frozen=True)
class Subject:
    campaign: Campaign
    cascade: list[Campaign]
    organisation: Organisation
    chosen: bool  # ?org= was given (links keep it)


def subject_for(request: HttpRequest, campaign_pk: int) -> Subject:
    """404 for a campaign or organisation outside the person's jurisdiction."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    chain = cascade(campaign)
    org_pk = request.GET.get("org")
    organisation = summary_organisation(request.user, chain, org_pk)
    return Subject(campaign, chain, organisation, bool(org_pk))
