from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.documents import render_notice_docx, render_notice_pdf
from zhucan.campaigns.selectors import notice_document
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def notice_file(request: AuthenticatedRequest, campaign_pk: int, fmt: str) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    document = notice_document(campaign)
    name = document.title or "notice"
    if fmt == "docx":
        response = attachment(render_notice_docx(document), DOCX, f"{name}.docx")
    elif fmt == "pdf":
        response = attachment(render_notice_pdf(document), "application/pdf", f"{name}.pdf")
    else:
        raise Http404
    audit.record_download(
        by=request.user, action="campaigns.notice.downloaded", fmt=fmt, target=campaign
    )
    return response


@login_required
def slogans_text(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """The slogans as a plain list, one a line, for printing banners."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    slogans = [s.text for s in campaign.slogans.all()]
    text = "\r\n".join(slogans) + "\r\n"
    audit.record_download(
        by=request.user,
        action="campaigns.slogans.downloaded",
        fmt="txt",
        target=campaign,
        rows=len(slogans),
    )
    return attachment(
        text.encode("utf-8-sig"), "text/plain; charset=utf-8", f"{campaign.year}宣传口号.txt"
    )
