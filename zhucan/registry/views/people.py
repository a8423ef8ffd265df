"""The register's people: list and search, detail, new and edit, reveal and erase."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.registry import access, crypto, selectors
from zhucan.registry.forms import (
    EraseForm,
    FindForm,
    PersonFilterForm,
    PersonForm,
    RevealForm,
    person_initial,
)
from zhucan.registry.models import Person
from zhucan.registry.services.lookups import find_person
from zhucan.registry.services.people import register_person, stored_data, update_person
from zhucan.registry.services.privacy import REVEALABLE, erase_person, reveal_person

PAGE_SIZE = 25


def _list_context(request: HttpRequest, find_form: FindForm) -> dict[str, Any]:
    form = PersonFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {k: data.get(k) for k in ("q", "category", "grade", "need", "poverty", "township")}
    people = selectors.people(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "find_form": find_form,
        "page_obj": page,
        "searching": any(filters.values()),
        "querystring_base": (query.urlencode() + "&") if query else "",
        "can_register": access.writable_organisations(request.user).exists(),
    }


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    access.require_registry_reader(request.user)
    return render(request, "registry/person_list.html", _list_context(request, FindForm()))


@require_POST
@login_required
def find(request: AuthenticatedRequest) -> HttpResponse:
    """Exact search by ID number, posted so that the number stays out of addresses and logs;
    audited and limited per hour (``services.lookups``)."""
    access.require_registry_reader(request.user)
    form = FindForm(request.POST)
    if form.is_valid():
        try:
            person = find_person(by=request.user, raw=form.cleaned_data["id_number"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if person is not None:
                return redirect("registry:detail", person_pk=person.pk)
            # The same answer for "not registered" and "registered elsewhere": no hint.
            form.add_error(
                "id_number", _("Nobody with this ID number is on a register you can see.")
            )
    return render(request, "registry/person_list.html", _list_context(request, form))


@login_required
def person_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, person_pk)
    writer = access.can_write(request.user, person.organisation)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "assistance": person.assistance.select_related(
                "organisation", "campaign__notice", "report"
            ),
            "cases": person.education_cases.all(),
            "can_edit": writer,
            "can_reveal": access.can_reveal(request.user, person),
        },
    )


def _person_form(
    request: AuthenticatedRequest, *, person: Person | None, organisations: Any
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = person_initial(person) if person is not None else {}
    form = PersonForm(data, initial=initial, organisations=organisations, person=person)
    if data is not None and form.is_valid():
        try:
            if person is None:
                saved = register_person(
                    by=request.user,
                    organisation=form.cleaned_data["organisation"],
                    data=form.to_data(None),
                    token=form.cleaned_data["client_id"],
                )
            else:
                saved = update_person(
                    by=request.user,
                    person=person,
                    version=form.cleaned_data.get("version") or 0,
                    data=form.to_data(stored_data(person)),
                )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("registry:detail", person_pk=saved.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@never_cache
@login_required
def person_new(request: AuthenticatedRequest) -> HttpResponse:
    organisations = access.writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    return _person_form(request, person=None, organisations=organisations)


@never_cache
@login_required
def person_edit(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, person_pk)
    if not access.can_write(request.user, person.organisation):
        raise PermissionDenied
    return _person_form(request, person=person, organisations=None)


@never_cache
@login_required
def reveal(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    """Ask to see one record's clear details, with a reason; shown once, never cached."""
    person = access.get_person_for_user(request.user, person_pk)
    if not access.can_reveal(request.user, person):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    revealed: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            values = reveal_person(
                by=request.user,
                person=person,
                purpose=form.cleaned_data["purpose"],
                note=form.cleaned_data.get("note") or "",
                fields=form.cleaned_data["details"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        except crypto.DecryptionError:
            # Stored under a key this server does not have (or altered): say so, not a 500.
            form.add_error(
                None,
                _(
                    "These details cannot be opened with the keys this server has, so nothing "
                    "was shown. Tell your system administrator: the registry keys need checking."
                ),
            )
        else:
            revealed = [(str(REVEALABLE[name]), value) for name, value in values.items()]
    return render(
        request,
        "registry/person_reveal.html",
        {"person": person, "form": form, "revealed": revealed},
    )


@never_cache
@login_required
def erase(request: AuthenticatedRequest, person_pk: int) -> HttpResponse:
    """Erase a person's record at their request (PIPL)."""
    person = access.get_person_for_user(request.user, person_pk)
    if not access.can_write(request.user, person.organisation):
        raise PermissionDenied
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase_person(by=request.user, person=person, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The record was erased. The help given stays counted."))
            return redirect("registry:list")
    return render(request, "registry/person_erase.html", {"person": person, "form": form})
