from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.documents import render_notice_docx, render_notice_pdf
from zhucan.campaigns.selectors import duty_matrix, notice_document
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.orgs.access import audit_path_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
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
        response = _attachment(render_notice_docx(document), DOCX, f"{name}.docx")
    elif fmt == "pdf":
        response = _attachment(render_notice_pdf(document), "application/pdf", f"{name}.pdf")
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
    return _attachment(
        text.encode("utf-8-sig"), "text/plain; charset=utf-8", f"{campaign.year}宣传口号.txt"
    )


@login_required
def matrix(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    data = duty_matrix(request.user, campaign)
    if request.GET.get("format") == "xlsx":
        response = _matrix_xlsx(campaign, data)
        audit.record_download(
            by=request.user,
            action="campaigns.matrix.downloaded",
            fmt="xlsx",
            target=campaign,
            org_path=audit_path_for(request.user, campaign.audit_org_path),
            rows=len(data.rows),
        )
        return response
    return render(request, "campaigns/duty_matrix.html", {"campaign": campaign, "matrix": data})


def _matrix_xlsx(campaign, data) -> HttpResponse:  # type: ignore[no-untyped-def]
    labels = {None: "", "assigned": _("Assigned"), "acknowledged": _("Acknowledged")}
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Duty matrix"),
        [_("Organisation")] + [_("Duty %(n)d") % {"n": d.number} for d in data.duties],
        widths=[34] + [12] * len(data.duties),
    )

    def cell(status: str | None, planned: list, done: list) -> str:  # type: ignore[type-arg]
        parts = [str(labels[status])] if status else []
        if planned:
            parts.append(_("%(n)d planned") % {"n": len(planned)})
        if done:
            parts.append(_("%(n)d carried out") % {"n": len(done)})
        return "；".join(parts)

    table.add_rows(
        [row.organisation.name, *[cell(c, p, d) for c, p, d in row.cells_with_plans]]
        for row in data.rows
    )
    rollup = XlsxTable(
        workbook,
        _("By county"),
        [_("County"), _("Organisations"), _("Duties assigned"), _("Acknowledged")],
    )
    rollup.add_rows(data.by_county)
    by_dept = XlsxTable(
        workbook,
        _("By department"),
        [_("Department"), _("Organisations"), _("Duties assigned"), _("Acknowledged")],
    )
    by_dept.add_rows(data.by_department)
    return _attachment(workbook_bytes(workbook), XLSX_CONTENT_TYPE, f"{campaign.year}任务分工.xlsx")
