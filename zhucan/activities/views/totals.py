"""The live figures of a campaign's accepted reports, level by level."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhucan.activities.totals import indicator_totals
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.orgs.access import get_organisation_for_user
from zhucan.orgs.models import Organisation, jurisdiction_paths


@login_required
def totals(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node_pk = request.GET.get("node")
    if node_pk:
        node = get_organisation_for_user(request.user, node_pk)
    else:
        # The issuer when the user's jurisdiction covers it, else the user's own top.
        roots = jurisdiction_paths(request.user)
        issuer = campaign.issuing_org
        if request.user.is_superuser or any(issuer.path.startswith(r) for r in roots):
            node = issuer
        else:
            found = Organisation.objects.filter(path__in=roots).order_by("path").first()
            if found is None:
                raise Http404
            node = found
    report = indicator_totals(request.user, campaign, node=node)
    return render(
        request,
        "activities/totals.html",
        {
            "campaign": campaign,
            "totals": report,
            "rows": [(line, report.cells(line)) for line in report.lines],
            "total_cells": report.cells(report.total),
            "drilled": bool(node_pk),
        },
    )
