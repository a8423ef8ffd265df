"""The summary page: the texts a person writes, a preview of the document, the downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.summaries.access import can_edit
from zhucan.summaries.document.content import summary_document, texts_for
from zhucan.summaries.forms import SummaryForm
from zhucan.summaries.models import SummaryReport
from zhucan.summaries.selectors import summary_figures
from zhucan.summaries.services import StaleSummaryError, save_summary
from zhucan.summaries.views.common import subject_for


def _initial(saved: SummaryReport | None, texts: Any) -> dict[str, Any]:
    initial = {
        "version": saved.version if saved else 0,
        "overview": texts.overview,
        "problems": texts.problems,
        "next_steps": texts.next_steps,
        "closing": texts.closing,
    }
    return initial | {f"duty_{n}": text for n, text in texts.duty_remarks.items()}


@login_required
def summary(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    subject = subject_for(request, campaign_pk)
    campaign, org = subject.campaign, subject.organisation
    editable = can_edit(request.user, org)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    saved = (
        SummaryReport.objects.filter(campaign=campaign, organisation=org)
        .select_related("updated_by")
        .first()
    )
    figures = summary_figures(request.user, subject.cascade, org)
    texts = texts_for(saved, figures)
    query = f"?org={org.pk}" if subject.chosen else ""
    form = None
    stale: SummaryReport | None = None
    if editable:
        form = SummaryForm(
            request.POST if request.method == "POST" else None,
            initial=_initial(saved, texts),
            duties=figures.duties,
        )
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            save_summary(
                by=request.user,
                campaign=campaign,
                organisation=org,
                version=data["version"],
                overview=data["overview"],
                problems=data["problems"],
                next_steps=data["next_steps"],
                closing=data["closing"],
                duty_remarks=form.duty_remarks(),
            )
        except StaleSummaryError as error:
            # Keep what the person typed; the next save is theirs to make, knowingly.
            stale = error.current
            posted = request.POST.copy()
            posted["version"] = str(stale.version)
            form = SummaryForm(posted, initial=_initial(saved, texts), duties=figures.duties)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The summary was saved."))
            return redirect(reverse("summaries:summary", args=[campaign.pk]) + query)
    return render(
        request,
        "summaries/summary.html",
        {
            "campaign": campaign,
            "organisation": org,
            "figures": figures,
            "document": summary_document(figures, texts),
            "saved": saved if saved and saved.version else None,
            "stale": stale,
            "form": form,
            "query": query,
        },
    )
