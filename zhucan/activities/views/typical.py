"""Typical activities (典型): a unit puts an accepted report forward; the office above decides;
the city reads the accepted ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.activities.access import get_report_for_user, get_typical_for_user
from zhucan.activities.models import ActivityReport, TypicalActivity
from zhucan.activities.selectors.typical import (
    filtered_typicals,
    typical_campaigns,
    typical_of,
    typicals_to_decide,
)
from zhucan.activities.services.typical import (
    ACCOUNT_MAX,
    can_decide,
    can_propose,
    decide_typical,
    propose_typical,
    set_typical_public,
)
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import Form, apply_domain_error

PAGE_SIZE = 25


class ProposeForm(Form):
    account = forms.CharField(
        label=gettext_lazy("Why this activity is typical"),
        help_text=gettext_lazy(
            "A short account for the office above and the media: what was done, for whom, "
            "and what others can learn from it."
        ),
        max_length=ACCOUNT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TypicalFilterForm(Form):
    # "All" first and by default: a county that just put an activity forward must see it
    # (still "Proposed"), and an office that decides sees its queue above the list. Filtering
    # to "Accepted" by default made a fresh proposal seem to vanish.
    STATUS_CHOICES = [
        ("all", gettext_lazy("All")),
        ("proposed", gettext_lazy("Proposed")),
        ("accepted", gettext_lazy("Accepted as typical")),
        ("declined", gettext_lazy("Not taken")),
    ]

    q = forms.CharField(label=gettext_lazy("Activity or organisation"), required=False)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("All campaigns"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


def _report_url(report_pk: int) -> str:
    # The report page lives in another part of the app; link to it once it exists.
    try:
        return reverse("activities:detail", args=[report_pk])
    except NoReverseMatch:
        return ""


@login_required
def propose(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    if not can_propose(request.user, report):
        raise PermissionDenied
    existing = typical_of(report)
    form = ProposeForm(
        request.POST or None, initial={"account": existing.account if existing else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            propose_typical(by=request.user, report=report, account=form.cleaned_data["account"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The activity was put forward as typical."))
            return redirect("activities:typical")
    return render(
        request,
        "activities/typical_propose.html",
        {
            "form": form,
            "report": report,
            "report_url": _report_url(report.pk),
            "existing": existing,
            "open": report.status == ActivityReport.Status.ACCEPTED
            and (existing is None or existing.status == TypicalActivity.Status.PROPOSED),
        },
    )


@login_required
def typical_list(request: HttpRequest) -> HttpResponse:
    form = TypicalFilterForm(
        request.GET or None, campaigns=typical_campaigns(request.user), initial={"status": "all"}
    )
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "all"
    q = (data.get("q") or "").strip()
    rows = filtered_typicals(request.user, status=status, campaign=data.get("campaign"), q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    to_decide = typicals_to_decide(request.user)
    for item in [*items, *to_decide]:
        item.report_url = _report_url(item.report_id)
    for item in items:
        item.can_publish = item.status == TypicalActivity.Status.ACCEPTED and can_decide(
            request.user, item
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/typical_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": items,
            "to_decide": to_decide,
            "searching": bool(q or data.get("campaign") or status != "all"),
            "querystring_base": (query.urlencode() + "&") if query else "",
        },
    )


@require_POST
@login_required
def decide(request: AuthenticatedRequest, typical_pk: int) -> HttpResponse:
    typical = get_typical_for_user(request.user, typical_pk)
    if not can_decide(request.user, typical):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Choose to accept the activity as typical or not to take it."))
        return redirect("activities:typical")
    try:
        decide_typical(by=request.user, typical=typical, accept=decision == "accept")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if decision == "accept":
            messages.success(request, _("The activity was accepted as typical."))
        else:
            messages.success(request, _("The proposal was not taken."))
    return redirect("activities:typical")


@require_POST
@login_required
def publish(request: AuthenticatedRequest, typical_pk: int) -> HttpResponse:
    """The adopting office shows an accepted typical activity on the public site, or stops."""
    typical = get_typical_for_user(request.user, typical_pk)
    if not can_decide(request.user, typical):
        raise PermissionDenied
    public = request.POST.get("public") == "1"
    try:
        set_typical_public(by=request.user, typical=typical, public=public)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if public:
            messages.success(request, _("The activity is now shown on the public site."))
        else:
            messages.success(request, _("The activity is no longer shown on the public site."))
    return redirect("activities:typical")
