"""The dashboard's tables as Excel, and the fixed statistical report (统计表)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.routing import reads_from_replica
from zhucan.orgs.models import Organisation
from zhucan.stats import selectors
from zhucan.stats.exports import dashboard_workbook, filters_to_json
from zhucan.stats.statistical_report import statistical_report_workbook
from zhucan.stats.views.dashboard import filter_form, help_for, node_for


@login_required
@reads_from_replica
def export(request: AuthenticatedRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node = node_for(request, campaign, org_pk)
    filters = filter_form(request, campaign).filters()
    board = selectors.dashboard(request.user, campaign, node=node, filters=filters)
    content = dashboard_workbook(board, help_for(campaign, node, filters))
    audit.record_download(
        by=request.user,
        action="stats.dashboard.downloaded",
        fmt="xlsx",
        target=campaign,
        org_path=node.path,
        filters={"node": node.pk, **filters_to_json(filters)},
        rows=len(board.lines),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="stats-{campaign.pk}-{node.pk}-{stamp}.xlsx"'
    )
    return response


@login_required
@reads_from_replica
def statistical_report(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """The 统计表 of the node in ``?node=`` (else the top of the person's view)."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node = node_for(request, campaign, request.GET.get("node") or None)
    today = timezone.localdate()
    content = statistical_report_workbook(campaign, node, filled_on=today)
    audit.record_download(
        by=request.user,
        action="stats.statistical_report.downloaded",
        fmt="xlsx",
        target=campaign,
        org_path=node.path,
        filters={"node": node.pk, "filled_on": today.isoformat()},
        # The sheet's lines are the node's children and 本级 (statistical_report.report_rows).
        rows=Organisation.objects.filter(parent=node).count() + 1,
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="statistical-report-{campaign.pk}-{node.pk}-{today:%Y%m%d}.xlsx"'
    )
    return response
