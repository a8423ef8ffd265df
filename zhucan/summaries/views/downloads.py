"""The summary as .docx and PDF, generated from the data on every download."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed

from zhucan.core.actors import AuthenticatedRequest
from zhucan.summaries.document.content import SummaryDocument, summary_document, texts_for
from zhucan.summaries.document.docx_render import render_summary_docx
from zhucan.summaries.document.pdf_render import render_summary_pdf
from zhucan.summaries.models import SummaryReport
from zhucan.summaries.selectors import summary_figures
from zhucan.summaries.services import record_generation
from zhucan.summaries.views.common import subject_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(
    request: AuthenticatedRequest,
    campaign_pk: int,
    fmt: str,
    content_type: str,
    render: Callable[[SummaryDocument], bytes],
) -> HttpResponse:
    # Jurisdiction first: outside it every method is a 404, never a hint of what exists.
    subject = subject_for(request, campaign_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    org = subject.organisation
    saved = SummaryReport.objects.filter(campaign=subject.campaign, organisation=org).first()
    figures = summary_figures(request.user, subject.cascade, org)
    document = summary_document(figures, texts_for(saved, figures))
    content = render(document)
    record_generation(
        by=request.user,
        campaign=subject.campaign,
        organisation=org,
        fmt=fmt,
        figures={
            "reports": figures.overall.reports,
            "households": figures.visits.households,
            "cash": str(figures.overall.cash),
            "summary_version": saved.version if saved else 0,
        },
    )
    response = HttpResponse(content, content_type=content_type)
    filename = f"{org.short_name or org.name}{document.title}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def summary_docx(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    return _download(request, campaign_pk, "docx", DOCX, render_summary_docx)


@login_required
def summary_pdf(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    return _download(request, campaign_pk, "pdf", "application/pdf", render_summary_pdf)
