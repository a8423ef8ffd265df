"""Each action on a request: a POST from its page, back to its page with what happened.

The request is fetched first (404 outside the jurisdiction), the role checked next (403), and
only then the form read, so a refusal never depends on what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.helprequests import access, selectors
from zhucan.helprequests.forms import (
    AnswerForm,
    AssignForm,
    HelpRecordForm,
    ReasonForm,
    RevealForm,
    TransferForm,
    VersionForm,
)
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import (
    REVEALABLE,
    acknowledge_request,
    answer_request,
    assign_request,
    assignable,
    link_person,
    mark_spam,
    record_help,
    restore_request,
    reveal_request,
    transfer_request,
)
from zhucan.orgs.roles import Capability


def _done(
    request: AuthenticatedRequest,
    help_request: HelpRequest,
    form: Any,
    run: Callable[[], Any],
    ok: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            run()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, ok)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("helprequests:detail", request_pk=help_request.pk)


def _coordinated(request: AuthenticatedRequest, request_pk: int) -> HelpRequest:
    help_request = access.get_request_for_user(request.user, request_pk)
    access.require(request.user, Capability.COORDINATE, help_request)
    return help_request


@require_POST
@login_required
def acknowledge(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    form = VersionForm(request.POST)
    return _done(
        request,
        hr,
        form,
        lambda: acknowledge_request(
            by=request.user, request=hr, version=form.cleaned_data["version"]
        ),
        _("The request is acknowledged."),
    )


@require_POST
@login_required
def assign(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    form = AssignForm(request.POST, choices=assignable(hr))
    return _done(
        request,
        hr,
        form,
        lambda: assign_request(
            by=request.user,
            request=hr,
            to=form.cleaned_data["to"],
            version=form.cleaned_data["version"],
        ),
        _("The request is assigned."),
    )


@require_POST
@login_required
def answer(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = access.get_request_for_user(request.user, request_pk)
    if not access.can_answer(request.user, hr):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    return _done(
        request,
        hr,
        form,
        lambda: answer_request(
            by=request.user,
            request=hr,
            outcome=form.cleaned_data["outcome"],
            version=form.cleaned_data["version"],
        ),
        _("The answer is saved and the person who asked is told by text message."),
    )


@require_POST
@login_required
def transfer(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    form = TransferForm(request.POST, choices=selectors.transfer_choices(hr), prefix="transfer")
    done = _done(
        request,
        hr,
        form,
        lambda: transfer_request(
            by=request.user,
            request=hr,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
        _("The request is transferred."),
    )
    # Sent out of the jurisdiction: its page would now be 404, so go back to the list.
    if not access.visible_to(request.user).filter(pk=hr.pk).exists():
        return redirect("helprequests:list")
    return done


@require_POST
@login_required
def spam(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    form = ReasonForm(request.POST, prefix="spam")
    return _done(
        request,
        hr,
        form,
        lambda: mark_spam(
            by=request.user,
            request=hr,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
        _("The request is set aside on the spam list."),
    )


@require_POST
@login_required
def restore(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    form = VersionForm(request.POST)
    return _done(
        request,
        hr,
        form,
        lambda: restore_request(by=request.user, request=hr, version=form.cleaned_data["version"]),
        _("The request is back on the list."),
    )


@require_POST
@login_required
def link(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    access.require(request.user, Capability.PERSONAL_DATA, hr)
    form = VersionForm(request.POST)
    return _done(
        request,
        hr,
        form,
        lambda: link_person(by=request.user, request=hr),
        _("The request is linked to the registered person with this ID number."),
    )


@require_POST
@login_required
def help_given(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = _coordinated(request, request_pk)
    access.require(request.user, Capability.PERSONAL_DATA, hr)
    campaigns = Campaign.objects.visible_to(request.user).filter(status=Campaign.Status.PUBLISHED)
    form = HelpRecordForm(request.POST, campaigns=campaigns)
    return _done(
        request,
        hr,
        form,
        lambda: record_help(
            by=request.user,
            request=hr,
            given_on=form.cleaned_data["given_on"],
            campaign=form.cleaned_data["campaign"],
        ),
        _("The help is recorded in the register."),
    )


@never_cache
@login_required
def reveal(request: AuthenticatedRequest, request_pk: int) -> HttpResponse:
    hr = access.get_request_for_user(request.user, request_pk)
    access.require(request.user, Capability.REVEAL_PERSONAL_DATA, hr)
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        try:
            values = reveal_request(
                by=request.user,
                request=hr,
                purpose=form.cleaned_data["purpose"],
                note=form.cleaned_data["note"],
                fields=form.cleaned_data["details"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            revealed = [(REVEALABLE[name], value) for name, value in values.items()]
    response = render(
        request,
        "helprequests/request_reveal.html",
        {"help_request": hr, "form": form, "revealed": revealed},
    )
    response["Cache-Control"] = "no-store"
    return response
