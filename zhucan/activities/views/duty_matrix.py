"""The duty matrix page and its Excel file.

Served under the campaign's address (``campaigns:matrix``, joined in ``zhucan/urls.py``): to its
readers it is a page of the campaign, but it reads plans and reports, which campaigns may not.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from zhucan.activities.duty_matrix import duty_matrix
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.views.documents import attachment
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.orgs.access import audit_path_for


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
    return attachment(workbook_bytes(workbook), XLSX_CONTENT_TYPE, f"{campaign.year}任务分工.xlsx")


# Patterns of the campaigns namespace (the project's urls.py adds them to it).
campaign_urlpatterns: list[URLPattern] = [
    path("<int:campaign_pk>/duties/", matrix, name="matrix"),
]
