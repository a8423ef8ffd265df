from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhucan.orgs.access import get_organisation_for_user, visible_organisations
from zhucan.orgs.models import Membership


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    orgs = visible_organisations(request.user).select_related("region")
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(region__code=q))
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/organisation_list.html", {
        "page_obj": page, "q": q, "querystring_base": f"q={q}&" if q else "",
    })


@login_required
def organisation_detail(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    children = org.children.select_related("region").order_by("kind", "name")
    members = Membership.objects.filter(organisation=org).select_related("user").order_by("user__username")
    return render(request, "orgs/organisation_detail.html", {
        "org": org, "children": children, "members": members,
    })
