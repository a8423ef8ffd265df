"""The list of requests, the spam list, one request's page and the deadlines page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.helprequests import access, selectors
from zhucan.helprequests.forms import (
    AnswerForm,
    AssignForm,
    DeadlinesForm,
    FilterForm,
    HelpRecordForm,
    ReasonForm,
    TransferForm,
)
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import assignable, settings_for, update_deadlines
from zhucan.helprequests.services.people import description_of
from zhucan.orgs.access import get_organisation_for_user, has_capability
from zhucan.orgs.roles import Capability

PAGE_SIZE = 25


def _page(request: HttpRequest, rows: Any) -> dict[str, Any]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page, "querystring_base": (query.urlencode() + "&") if query else ""}


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {k: data.get(k) or "" for k in ("number", "status", "kind")}
    rows = selectors.requests(request.user, overdue=bool(data.get("overdue")), **filters)
    return render(
        request,
        "helprequests/request_list.html",
        {
            "form": form,
            "searching": any(data.values()) if data else False,
            "today": timezone.localdate(),
            "can_coordinate": access.coordinates_somewhere(request.user),
            "deadline_orgs": selectors.deadline_organisations(request.user),
            **_page(request, rows),
        },
    )


@login_required
def spam_list(request: HttpRequest) -> HttpResponse:
    if not access.coordinates_somewhere(request.user):
        raise PermissionDenied
    rows = selectors.spam(request.user)
    return render(request, "helprequests/spam_list.html", _page(request, rows))


def detail_context(request: AuthenticatedRequest, help_request: HelpRequest) -> dict[str, Any]:
    user = request.user
    version = {"version": help_request.version}
    coordinate = access.can(user, Capability.COORDINATE, help_request)
    can_answer = access.can_answer(user, help_request)
    # The free text may name people, illnesses and places: like the registry's people, it is
    # read by those who hold personal data or who must act on it, not by every viewer above.
    reads_text = can_answer or access.can(user, Capability.PERSONAL_DATA, help_request)
    campaigns = Campaign.objects.visible_to(user).filter(status=Campaign.Status.PUBLISHED)
    return {
        "help_request": help_request,
        "description": description_of(help_request) if reads_text else None,
        "today": timezone.localdate(),
        "is_open": help_request.status not in HelpRequest.FINISHED,
        "can_coordinate": coordinate,
        "can_answer": can_answer,
        "can_reveal": access.can(user, Capability.REVEAL_PERSONAL_DATA, help_request),
        "can_link": coordinate and access.can(user, Capability.PERSONAL_DATA, help_request),
        "can_see_person": access.can(user, Capability.PERSONAL_DATA, help_request),
        "assign_form": AssignForm(initial=version, choices=assignable(help_request)),
        "answer_form": AnswerForm(initial=version),
        "transfer_form": TransferForm(
            initial=version, choices=selectors.transfer_choices(help_request), prefix="transfer"
        ),
        "spam_form": ReasonForm(initial=version, prefix="spam"),
        "help_form": HelpRecordForm(
            initial={"given_on": timezone.localdate()}, campaigns=campaigns.order_by("-year", "-pk")
        ),
    }


@never_cache
@login_required
def request_detail(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    help_request = access.get_request_for_user(request.user, request_pk)
    return render(
        request, "helprequests/request_detail.html", detail_context(request, help_request)
    )


@login_required
def deadlines(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org_pk)
    if not has_capability(request.user, Capability.COORDINATE, organisation):
        raise PermissionDenied
    current = settings_for(organisation)
    form = DeadlinesForm(
        request.POST or None,
        initial={
            "acknowledge_days": current.acknowledge_days,
            "answer_days": current.answer_days,
            "verify_by_sms": current.verify_by_sms,
            "version": current.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_deadlines(by=request.user, organisation=organisation, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The settings are saved. New requests get them."))
            return redirect("helprequests:deadlines", org_pk=organisation.pk)
    return render(
        request, "helprequests/deadlines.html", {"form": form, "organisation": organisation}
    )
