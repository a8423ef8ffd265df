"""Coverage: who in need a campaign has helped, and the list of those still to visit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.orgs.access import get_organisation_for_user
from zhucan.orgs.models import Organisation
from zhucan.registry import access, selectors
from zhucan.registry.models.people import NEED_FLAGS, registry_roots
from zhucan.registry.services.coverage import NEED_LABELS, export_not_helped

PAGE_SIZE = 25


@login_required
def coverage_index(request: HttpRequest) -> HttpResponse:
    """The campaigns the user can see, each a way into its coverage page."""
    access.require_registry_reader(request.user)
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED], parent=None)
        .select_related("notice", "issuing_org")
        .order_by("-year", "-id")[:50]
    )
    return render(request, "registry/coverage_index.html", {"campaigns": campaigns})


def _node(request: HttpRequest, campaign: Campaign) -> Organisation:
    """The node asked for, else the top of the user's register (the issuer's if they hold it)."""
    if request.GET.get("node"):
        return get_organisation_for_user(request.user, request.GET["node"])
    roots = registry_roots(request.user)
    issuer = campaign.issuing_org
    if getattr(request.user, "is_superuser", False) or any(
        issuer.path.startswith(r) for r in roots
    ):
        return issuer
    return Organisation.objects.get(path=roots[0])


def _scope(request: HttpRequest, campaign_pk: int) -> tuple[Any, ...]:
    campaign = get_campaign_for_user(request.user, campaign_pk)  # 404 before 403
    access.require_registry_reader(request.user)
    node = _node(request, campaign)
    result = selectors.coverage(request.user, campaign, node)
    area: Organisation | None = None
    township: str | None = None
    if request.GET.get("area"):
        wanted = request.GET["area"]
        area = next((r.area for r in result.rows if str(r.area.pk) == wanted), None)
        if area is None:
            raise Http404
        if "township" in request.GET:
            township = request.GET["township"]
    return campaign, node, result, area, township


def _up(request: HttpRequest, node: Organisation) -> Organisation | None:
    """The node's parent, when the user's register reaches that far."""
    if node.parent_id is None:
        return None
    roots = registry_roots(request.user)
    parent = Organisation.objects.filter(pk=node.parent_id).only("pk", "name", "path").first()
    if parent is None or not (
        getattr(request.user, "is_superuser", False)
        or any(parent.path.startswith(r) for r in roots)
    ):
        return None
    return parent


@login_required
def coverage_page(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign, node, result, area, township = _scope(request, campaign_pk)
    people = selectors.not_helped(request.user, result, area=area, township=township)
    paginator = selectors.KnownCountPaginator(
        people, PAGE_SIZE, count=selectors.not_helped_count(result, area, township)
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    base = {"node": node.pk}
    return render(
        request,
        "registry/coverage.html",
        {
            "campaign": campaign,
            "node": node,
            "result": result,
            "need_labels": [NEED_LABELS[f] for f in NEED_FLAGS],
            "need_flags": NEED_FLAGS,
            "area": area,
            "township": township,
            "page_obj": page,
            "querystring_base": (query.urlencode() + "&") if query else "",
            "node_query": urlencode(base),
            "up": _up(request, node),
            "export_query": query.urlencode(),
        },
    )


@login_required
def coverage_export(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """The not-yet-helped list for the people who will visit: masked, formula-safe."""
    _campaign, _node, result, area, township = _scope(request, campaign_pk)
    data = export_not_helped(by=request.user, result=result, area=area, township=township)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="not-yet-helped.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
