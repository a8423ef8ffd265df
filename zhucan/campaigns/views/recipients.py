from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.campaigns import services
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.selectors import recipient_preview
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import Form, apply_domain_error
from zhucan.orgs.access import get_organisation_for_user, has_capability
from zhucan.orgs.roles import Capability


class RecipientForm(Form):
    organisation = forms.IntegerField(label=gettext_lazy("Organisation to add"))
    add = forms.BooleanField(required=False, widget=forms.HiddenInput, initial=True)


@login_required
def recipients(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """Check who a draft goes to, and resolve what the notice's words did not match."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.COORDINATE, campaign.issuing_org):
        raise PermissionDenied
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = get_organisation_for_user(
                request.user, form.cleaned_data["organisation"]
            )
            services.set_extra_recipient(
                by=request.user,
                campaign=campaign,
                organisation=organisation,
                add=form.cleaned_data["add"] or "remove" not in request.POST,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        except Http404:
            # A forged or foreign id: the same answer as for one that does not exist.
            form.add_error("organisation", _("That organisation was not found."))
        else:
            messages.success(request, _("The recipients were updated."))
            return redirect("campaigns:recipients", campaign_pk=campaign.pk)
    return render(
        request,
        "campaigns/recipients.html",
        {
            "campaign": campaign,
            "preview": recipient_preview(campaign),
            "form": form,
        },
    )


@require_POST
@login_required
def create_child(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """A receiving committee starts its own campaign from the notice it received."""
    parent = get_campaign_for_user(request.user, campaign_pk)
    org = get_organisation_for_user(request.user, request.POST.get("organisation"))
    if not has_capability(request.user, Capability.COORDINATE, org):
        raise PermissionDenied
    try:
        child = services.create_child_campaign(by=request.user, parent=parent, issuing_org=org)
    except DomainError as error:
        # A second click (or a colleague) made it first: go to that campaign, as the first did.
        existing = (
            Campaign.objects.visible_to(request.user).filter(parent=parent, issuing_org=org).first()
        )
        if existing is not None:
            return redirect("campaigns:detail", campaign_pk=existing.pk)
        messages.error(request, error.message)
        return redirect("campaigns:detail", campaign_pk=parent.pk)
    messages.success(
        request,
        _("Your own campaign was created from the notice. Adapt it and publish it to your units."),
    )
    return redirect("campaigns:detail", campaign_pk=child.pk)
