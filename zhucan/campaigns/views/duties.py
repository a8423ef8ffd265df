from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.campaigns import services
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import Form
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


class DutyForm(Form):
    number = forms.IntegerField(label=gettext_lazy("Number"), min_value=1, max_value=99)
    text = forms.CharField(label=gettext_lazy("Duty"), widget=forms.Textarea(attrs={"rows": 4}))
    departments = forms.CharField(
        label=gettext_lazy("Departments"),
        required=False,
        help_text=gettext_lazy("Separated by 、 or commas, for example 民政、残联、教育"),
    )

    def clean_departments(self) -> list[str]:
        parts = re.split(r"[、,，;；\s]+", self.cleaned_data.get("departments") or "")
        return [p for p in parts if p]


DutyFormSet = forms.formset_factory(DutyForm, extra=1, can_delete=True)


@login_required
def edit_duties(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.COORDINATE, campaign.issuing_org):
        raise PermissionDenied
    initial = [
        {"number": d.number, "text": d.text, "departments": "、".join(d.departments)}
        for d in campaign.duties.all()
    ]
    formset = DutyFormSet(request.POST or None, initial=initial, prefix="duty")
    error = None
    if request.method == "POST" and formset.is_valid():
        duties: list[tuple[int, str, list[str]]] = [
            (f.cleaned_data["number"], f.cleaned_data["text"], f.cleaned_data["departments"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.update_duties(
                by=request.user,
                campaign=campaign,
                version=int(request.POST.get("version", 0)),
                duties=duties,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The duties were saved."))
            return redirect("campaigns:detail", campaign_pk=campaign.pk)
    errors: list[tuple[str | None, str]] = [(None, error)] if error else []
    for number, form in enumerate(formset.forms, start=1):
        for field in form:
            for message in field.errors:
                errors.append((field.auto_id, f"{_('Duty')} {number}，{field.label}：{message}"))
    return render(
        request,
        "campaigns/edit_duties.html",
        {
            "campaign": campaign,
            "formset": formset,
            "errors": errors,
        },
    )
