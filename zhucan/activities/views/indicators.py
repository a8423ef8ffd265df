"""A campaign's indicators: the default set, and the ones its coordinators add."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zhucan.activities.models import Category, Indicator
from zhucan.activities.services import add_indicator, remove_indicator
from zhucan.activities.services.reports import indicators_for
from zhucan.activities.wording import figure_phrase
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import CreateForm, apply_domain_error
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability

EXAMPLE = Decimal(150)


class IndicatorForm(CreateForm):
    # The name of a figure (名称), not of a person (姓名): "Name" alone translates as the latter.
    name = forms.CharField(label=pgettext_lazy("of a figure", "Name"), max_length=60)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=Indicator.Unit.choices)
    measure = forms.CharField(
        label=gettext_lazy("Measure word"),
        max_length=4,
        required=False,
        help_text=gettext_lazy(
            "For whole numbers: the word the count is written with, such as 件, 户 or 人. "
            "The summary then writes 发放慰问品150件."
        ),
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("For activities of these categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose none for every category."),
    )


@login_required
def indicators(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    editable = has_capability(request.user, Capability.COORDINATE, campaign.issuing_org)
    form = IndicatorForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if "remove" in request.POST:
            return _remove(request, campaign, request.POST["remove"])
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                token = data.pop("client_id")
                indicator = add_indicator(by=request.user, campaign=campaign, token=token, **data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": indicator.name})
                return redirect("activities:indicators", campaign_pk=campaign.pk)
    labels = dict(Category.choices)
    rows: list[dict[str, Any]] = [
        {
            "indicator": i,
            "categories": "、".join(str(labels.get(c, c)) for c in i.categories),
            "own": i.campaign_id == campaign.pk,
            # With a sample figure, so a coordinator sees how an added one will read.
            "example": figure_phrase(
                name=i.name, unit=i.unit, measure=i.measure, phrase=i.phrase, value=EXAMPLE
            ),
        }
        for i in indicators_for(campaign)
    ]
    return render(
        request,
        "activities/indicators.html",
        {"campaign": campaign, "rows": rows, "form": form, "editable": editable},
    )


def _remove(request: AuthenticatedRequest, campaign: Any, pk: str) -> HttpResponse:
    indicator = Indicator.objects.filter(campaign=campaign, pk=pk if pk.isdigit() else 0).first()
    if indicator is None:
        raise Http404
    try:
        remove_indicator(by=request.user, indicator=indicator)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": indicator.name})
    return redirect("activities:indicators", campaign_pk=campaign.pk)
