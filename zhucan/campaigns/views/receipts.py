from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhucan.campaigns import services
from zhucan.campaigns.access import get_campaign_for_user, get_receipt_for_user
from zhucan.campaigns.selectors import receipt_table
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


@login_required
def receipts(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.VIEW, campaign.issuing_org):
        raise PermissionDenied
    return render(
        request,
        "campaigns/receipts.html",
        {
            "campaign": campaign,
            "table": receipt_table(campaign),
            "can_coordinate": has_capability(
                request.user, Capability.COORDINATE, campaign.issuing_org
            ),
        },
    )


@require_POST
@login_required
def sign(request: AuthenticatedRequest, receipt_pk: int) -> HttpResponse:
    receipt = get_receipt_for_user(request.user, receipt_pk)
    # Those who may see a receipt but not sign for the organisation are refused (403).
    if not any(
        has_capability(request.user, capability, receipt.organisation)
        for capability in (Capability.REPORT, Capability.COORDINATE)
    ):
        raise PermissionDenied
    try:
        services.sign_receipt(by=request.user, receipt=receipt)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(org)s has signed for the notice.") % {"org": receipt.organisation.name}
        )
    return redirect("campaigns:detail", campaign_pk=receipt.campaign_id)
