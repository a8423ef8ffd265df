"""Recording help: on a person's page, and the people a household visit reached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.roles import Capability
from zhucan.registry import access
from zhucan.registry.forms import AssistanceForm, VisitPeopleForm, VisitSearchForm
from zhucan.registry.models import Assistance, Person
from zhucan.registry.services.assistance import record_assistance, record_visit_people
from zhucan.registry.services.lookups import find_person

SEARCH_LIMIT = 30


@login_required
def assistance_new(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, person_pk)
    if not access.can_write(request.user, person.organisation):
        raise PermissionDenied
    organisations = (
        organisations_with_capability(request.user, Capability.REPORT)
        .filter(is_active=True)
        .order_by("sort_path", "pk")
    )
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED])
        .select_related("notice")
        .order_by("-year", "-id")
    )
    form = AssistanceForm(
        request.POST or None,
        organisations=organisations,
        campaigns=campaigns,
        initial={"given_on": timezone.localdate(), "organisation": person.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_assistance(
                by=request.user,
                person=person,
                organisation=form.cleaned_data["organisation"],
                campaign=form.cleaned_data.get("campaign"),
                data=form.to_input(),
                token=form.cleaned_data["client_id"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The help was recorded."))
            return redirect("registry:detail", person_pk=person.pk)
    return render(request, "registry/assistance_form.html", {"person": person, "form": form})


def _candidates(request: AuthenticatedRequest, q: str) -> list[Person]:
    """People on the user's register matching a name, or one whole ID number (blind index,
    audited and limited like the register's own search: ``LookupLimitError`` past it)."""
    visible = Person.objects.visible_to(request.user)
    if sum(c.isdigit() for c in q) >= 15:
        found = find_person(by=request.user, raw=q)
        return [found] if found is not None else []
    return list(
        visible.filter(name__contains=q)
        .select_related("organisation")
        .only("pk", "name", "birth_year", "township", "village", "organisation__name")
        .order_by("name", "org_path", "id")[:SEARCH_LIMIT]
    )


@login_required
def visit_people(request: AuthenticatedRequest, visit_pk: int) -> HttpResponse:
    """Name the registered people a household visit reached (recorded as Assistance)."""
    visit = access.get_household_visit_for_user(request.user, visit_pk)
    if not access.can_record_visit(request.user, visit):
        raise PermissionDenied
    report = visit.report
    named = list(
        Assistance.objects.filter(visit=visit, person__isnull=False)
        .select_related("person")
        .only("pk", "kind", "amount", "given_on", "person__name", "person__id_masked")
        .order_by("person__name", "id")
    )
    # The search is posted (an ID number must not travel in the address), as is the choice.
    search = VisitSearchForm(request.POST if "search" in request.POST else None)
    candidates: list[Person] = []
    if search.is_bound and search.is_valid():
        try:
            candidates = _candidates(request, search.cleaned_data["q"].strip())
        except DomainError as error:
            search.add_error("q", error.message)
    chosen_ids = request.POST.getlist("people") if "record" in request.POST else []
    chosen = list(
        Person.objects.visible_to(request.user)
        .filter(pk__in=[int(i) for i in chosen_ids if i.isdigit()])
        .select_related("organisation")
    )
    # The birth year and village tell apart two people of one name (the ID mask cannot).
    choices = [
        (p.pk, f"{p.name}（{p.birth_year}，{p.village or p.organisation.name}）")
        for p in candidates or chosen
    ]
    initial = {
        "given_on": report.start_date,
        "kind": Assistance.Kind.CASH if visit.cash else Assistance.Kind.GOODS,
    }
    form = VisitPeopleForm(
        request.POST if "record" in request.POST else None, choices=choices, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            created = record_visit_people(
                by=request.user, visit=visit, people=chosen, data=form.to_input()
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d person was recorded as visited.",
                    "%(n)d people were recorded as visited.",
                    len(created),
                )
                % {"n": len(created)},
            )
            return redirect("registry:visit_people", visit_pk=visit.pk)
    return render(
        request,
        "registry/visit_people.html",
        {
            "visit": visit,
            "report": report,
            "named": named,
            "search": search,
            "candidates": candidates,
            "form": form,
            "searched": search.is_bound,
        },
    )
