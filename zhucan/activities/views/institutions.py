"""The public directory entry of an institution, kept by its organisation's coordinators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.selectors.media import visible_institutions
from zhucan.activities.services.institutions import update_public_entry
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import Form, apply_domain_error
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


class PublicEntryForm(Form):
    phone = forms.CharField(
        label=gettext_lazy("Public phone"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The institution's own number, never a person's mobile."),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    opening_hours = forms.CharField(
        label=gettext_lazy("Opening hours"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: Monday to Friday, 8:30 to 17:30."),
    )
    accessibility = forms.CharField(
        label=gettext_lazy("Accessibility"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "For example: step-free entrance, lift, accessible toilet, sign language on request."
        ),
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("List this institution on the public site"), required=False
    )


@login_required
def public_entry(request: AuthenticatedRequest, institution_pk: int) -> HttpResponse:
    institution = get_object_or_404(
        visible_institutions(request.user).select_related("organisation", "region"),
        pk=institution_pk,
    )
    if not has_capability(request.user, Capability.COORDINATE, institution.organisation):
        raise PermissionDenied
    initial = {
        "phone": institution.phone,
        "opening_hours": institution.opening_hours,
        "accessibility": institution.accessibility,
        "is_public": institution.is_public,
    }
    form = PublicEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_public_entry(by=request.user, institution=institution, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The public entry was saved."))
            return redirect("activities:institutions")
    return render(
        request, "activities/institution_public.html", {"form": form, "institution": institution}
    )
