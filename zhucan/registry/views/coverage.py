"""Coverage: who in need a campaign has helped, and the list of those still to visit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.orgs.access import get_organisation_for_user
from zhucan.orgs.models import Organisation
from zhucan.registry import access, selectors
from zhucan.registry.models import Person
from zhucan.registry.models.people import NEED_FLAGS, registry_roots

PAGE_SIZE = 25
NEED_LABELS = {
    "need_income_fell": Person._meta.get_field("need_income_fell").verbose_name,
    "need_no_guardian": Person._meta.get_field("need_no_guardian").verbose_name,
    "need_no_care": Person._meta.get_field("need_no_care").verbose_name,
    "need_other": Person._meta.get_field("need_other").verbose_name,
}


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
    campaign, node, result, area, township = _scope(request, campaign_pk)
    people = selectors.not_helped(request.user, result, area=area, township=township)
    areas = {r.area.pk: r.area.name for r in result.rows}
    depth = len(node.path.strip("/").split("/"))
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Not yet helped"),
        [
            _("County or unit"),
            _("Township"),
            _("Village"),
            _("Name"),
            _("ID number"),
            _("Phone"),
            _("Guardian or carer"),
            _("Guardian's phone"),
            _("Needs"),
            _("About the need"),
        ],
        widths=[24, 16, 16, 12, 22, 16, 12, 16, 40, 40],
    )

    def rows() -> Any:
        for p in people.iterator(chunk_size=2000):
            parts = p.org_path.strip("/").split("/")
            area_id = int(parts[depth]) if len(parts) > depth else node.pk
            needs = "、".join(str(NEED_LABELS[f]) for f in NEED_FLAGS if getattr(p, f))
            yield (
                areas.get(area_id, node.name),
                p.township,
                p.village,
                p.name,
                p.id_masked,
                p.phone_masked,
                p.guardian_name,
                p.guardian_phone_masked,
                needs,
                p.need_note,
            )

    table.add_rows(rows())
    audit.record_download(
        by=request.user,
        action="registry.coverage.exported",
        fmt="xlsx",
        target=campaign,
        org_path=node.path,
        filters={
            "node": node.pk,
            "area": area.pk if area else None,
            "township": township[:50] if township is not None else None,
        },
        rows=table.rows,
        details={"node": node.pk},
    )
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="not-yet-helped.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("coverage/", coverage_index, name="coverage_index"),
    path("coverage/<int:campaign_pk>/", coverage_page, name="coverage"),
    path("coverage/<int:campaign_pk>/export/", coverage_export, name="coverage_export"),
]
