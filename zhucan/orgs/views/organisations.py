"""The organisation tree: list, detail, add a unit, edit or move, deactivate, reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import (
    can_change_activation,
    can_manage_orgs,
    can_move,
    get_organisation_for_user,
    has_capability,
    manageable_parents,
    visible_organisations,
)
from zhucan.orgs.forms import OrganisationForm, OrganisationSearchForm, ReactivateForm
from zhucan.orgs.models import Membership, Organisation, jurisdiction_paths
from zhucan.orgs.roles import Capability
from zhucan.orgs.services import create_organisation, set_organisation_active, update_organisation

PAGE_SIZE = 50


def _base_depth(user: object) -> int:
    """Depth of the top of the person's jurisdiction, so that their tree starts unindented."""
    if getattr(user, "is_superuser", False):
        return 0
    paths = jurisdiction_paths(user)
    return min((p.count("/") - 2 for p in paths), default=0)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET or None)
    orgs = visible_organisations(request.user).select_related("region", "parent")
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    if q:
        orgs = orgs.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(region__code__startswith=q)
        )
    if data.get("kind"):
        orgs = orgs.filter(kind=data["kind"])
    status = data.get("status") or "active"
    if status != "all":
        orgs = orgs.filter(is_active=status == "active")
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    base = _base_depth(request.user)
    for org in rows:
        org.indent = min(max(org.depth - base, 0), 6)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/organisation_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "searching": bool(q or data.get("kind") or status != "active"),
            "querystring_base": (query.urlencode() + "&") if query else "",
        },
    )


@login_required
def organisation_detail(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    children = org.children.select_related("region").order_by("-is_active", "sort_path", "pk")
    members = (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("user__full_name", "user__username", "role")
    )
    parent_visible = (
        org.parent_id is not None
        and visible_organisations(request.user).filter(pk=org.parent_id).exists()
    )
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "children": children,
            "members": members,
            "parent_visible": parent_visible,
            "can_manage": can_manage_orgs(request.user, org),
            "can_activate": can_change_activation(request.user, org),
            "can_manage_people": has_capability(request.user, Capability.MANAGE_PEOPLE, org),
        },
    )


@login_required
def organisation_create(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    parent = get_organisation_for_user(request.user, org_pk)
    if not can_manage_orgs(request.user, parent):
        raise PermissionDenied
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, initial={"region": parent.region_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = create_organisation(
                by=request.user,
                parent=parent,
                token=form.cleaned_data["client_id"],
                **form.service_kwargs(),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": org.name})
            return redirect("orgs:detail", org_pk=org.pk)
    return render(request, "orgs/organisation_form.html", {"form": form, "parent": parent})


@login_required
def organisation_edit(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    if not can_manage_orgs(request.user, org):
        raise PermissionDenied
    movable = can_move(request.user, org)
    parents = None
    if movable and org.parent_id is not None:
        # The current parent stays a valid answer even if it is deactivated.
        parents = manageable_parents(request.user) | Organisation.objects.filter(pk=org.parent_id)
    initial = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "department": org.department,
        "region": org.region_id,
        "issuer_code": org.issuer_code,
        "phone": org.phone,
        "email": org.email,
        "member_position": org.member_position,
        "version": org.version,
        "parent": org.parent_id,
    }
    form = OrganisationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        with_version=True,
        parent_queryset=parents,
        moving_org=org,
    )
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"] if movable else org.parent
        try:
            update_organisation(
                by=request.user,
                org=org,
                version=form.cleaned_data["version"],
                parent=parent,
                **form.service_kwargs(),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("orgs:detail", org_pk=org.pk)
    return render(request, "orgs/organisation_form.html", {"form": form, "org": org})


@login_required
def organisation_deactivate(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    if not can_change_activation(request.user, org):
        raise PermissionDenied
    if not org.is_active:
        return redirect("orgs:detail", org_pk=org.pk)
    subtree = Organisation.objects.filter(path__startswith=org.path, is_active=True)
    if request.method == "POST":
        count = set_organisation_active(by=request.user, org=org, active=False)
        messages.success(
            request,
            ngettext(
                "%(count)d organisation was deactivated.",
                "%(count)d organisations were deactivated.",
                count,
            )
            % {"count": count},
        )
        return redirect("orgs:detail", org_pk=org.pk)
    return render(
        request,
        "orgs/organisation_activation.html",
        {
            "org": org,
            "activate": False,
            "units": subtree.exclude(pk=org.pk).count(),
            "people": Membership.objects.filter(organisation__in=subtree)
            .values("user_id")
            .distinct()
            .count(),
        },
    )


@login_required
def organisation_reactivate(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    if not can_change_activation(request.user, org):
        raise PermissionDenied
    if org.is_active:
        return redirect("orgs:detail", org_pk=org.pk)
    form = ReactivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = set_organisation_active(
                by=request.user,
                org=org,
                active=True,
                include_units=form.cleaned_data["include_units"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d organisation was reactivated.",
                    "%(count)d organisations were reactivated.",
                    count,
                )
                % {"count": count},
            )
            return redirect("orgs:detail", org_pk=org.pk)
    units = Organisation.objects.filter(path__startswith=org.path, is_active=False)
    return render(
        request,
        "orgs/organisation_activation.html",
        {"org": org, "activate": True, "form": form, "units": units.exclude(pk=org.pk).count()},
    )
