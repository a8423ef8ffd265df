"""One child, one plan (一人一案): children of school age not enrolled, and their cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.models import Organisation
from zhucan.registry import access, selectors
from zhucan.registry.forms import CaseFilterForm, CaseForm, SchoolYearForm, case_initial
from zhucan.registry.models import EducationCase
from zhucan.registry.services.education import open_case, update_case

PAGE_SIZE = 25


def _query_base(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    access.require_registry_reader(request.user)
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    cases = selectors.cases(
        request.user,
        status=data.get("status") or "",
        placement=data.get("placement") or "",
        school_year=data.get("school_year"),
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/case_list.html",
        {
            "form": form,
            "page_obj": page,
            "searching": any(data.values()),
            "querystring_base": _query_base(request),
        },
    )


def _school_year(request: HttpRequest) -> tuple[SchoolYearForm, int]:
    """The school year asked for; by default the one whose autumn term starts this year."""
    today = timezone.localdate()
    form = SchoolYearForm(request.GET or None, initial={"year": today.year})
    year = today.year
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    return form, year


@login_required
def children(request: HttpRequest) -> HttpResponse:
    """Registered children aged 6–15 with no enrolled case: open a case for each."""
    access.require_registry_reader(request.user)
    form, year = _school_year(request)
    found = selectors.school_age_children(request.user, year)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    writable = {
        pk
        for pk in access.writable_organisations(request.user)
        .filter(pk__in={p.organisation_id for p in page.object_list})
        .values_list("pk", flat=True)
    }
    return render(
        request,
        "registry/children.html",
        {
            "form": form,
            "year": year,
            "page_obj": page,
            "writable": writable,
            "querystring_base": _query_base(request),
        },
    )


@require_POST
@login_required
def case_open(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    child = access.get_person_for_user(request.user, person_pk)
    if not access.can_write(request.user, child.organisation):
        raise PermissionDenied
    try:
        year = int(request.POST.get("school_year", ""))
    except ValueError:
        year = timezone.localdate().year
    try:
        case = open_case(by=request.user, child=child, school_year=year)
    except DomainError as error:
        # A second click (or a colleague) opened it first: go to that case, as the first did.
        existing = EducationCase.objects.filter(child=child, school_year=year).first()
        if existing is not None:
            return redirect("registry:case", case_pk=existing.pk)
        messages.error(request, error.message)
        return redirect("registry:children")
    messages.success(request, _("A case was opened. Agree the plan next."))
    return redirect("registry:case", case_pk=case.pk)


@login_required
def case_detail(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = access.get_case_for_user(request.user, case_pk)
    writer = access.can_write(request.user, case.child.organisation)
    editable = writer and case.status not in (case.Status.ENROLLED, case.Status.CLOSED)
    form = None
    if editable:
        data = request.POST if request.method == "POST" else None
        offices = Organisation.objects.visible_to(request.user).filter(is_active=True)
        form = CaseForm(
            data, initial=case_initial(case), offices=offices.order_by("sort_path", "pk")
        )
        if data is not None and form.is_valid():
            try:
                update_case(
                    by=request.user,
                    case=case,
                    version=form.cleaned_data["version"],
                    data=form.to_input(),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The case was saved."))
                return redirect("registry:case", case_pk=case.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "registry/case_detail.html", {"case": case, "form": form})
