from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.core.forms import apply_domain_error
from zhucan.plans import services
from zhucan.plans.access import can_oversee, can_set_rules
from zhucan.plans.forms import SafetyRulesForm
from zhucan.plans.models import Plan
from zhucan.plans.safety import rules_for
from zhucan.plans.selectors import SORT_KEYS, OverviewRow, online_share_by_org, plans_overview


def _status_label(row: OverviewRow) -> str:
    return str(Plan.Status(row.status).label) if row.plan else _("No plan")


def _columns(sort: str) -> list[dict[str, str]]:
    """Column headers that sort: the link sorts the other way when already sorted by it."""
    labels = {
        "organisation": _("Organisation"),
        "status": _("Plan status"),
        "late": _("Late"),
        "submitted": _("Submitted"),
        "online": _("Online share"),
        "warnings": _("Rule warnings"),
    }
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = []
    for key, label in labels.items():
        active = key == current
        columns.append(
            {
                "label": label,
                "href": f"?sort={'' if active and descending else '-' if active else ''}{key}",
                "aria_sort": ("descending" if descending else "ascending") if active else "",
            }
        )
    return columns


@login_required
def overview(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not can_oversee(request.user, campaign):
        raise PermissionDenied
    sort = request.GET.get("sort", "organisation")
    if sort.removeprefix("-") not in SORT_KEYS:
        sort = "organisation"
    rows = plans_overview(campaign, sort)
    if request.GET.get("format") == "xlsx":
        response = _overview_xlsx(campaign, rows)
        audit.record_download(
            by=request.user,
            action="plans.overview.downloaded",
            fmt="xlsx",
            target=campaign,
            filters={"sort": sort},
            rows=len(rows),
        )
        return response
    return render(
        request,
        "plans/overview.html",
        {
            "campaign": campaign,
            "rows": rows,
            "columns": _columns(sort),
            "sort": sort,
            "shares": online_share_by_org(campaign),
            "rules": rules_for(campaign),
            "with_plan": sum(1 for r in rows if r.plan),
        },
    )


def _overview_xlsx(campaign: Campaign, rows: list[OverviewRow]) -> HttpResponse:
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Activity plans"),
        [
            _("Organisation"),
            _("Plan status"),
            _("Late"),
            _("Submitted"),
            _("Online share (%)"),
            _("Rule warnings"),
        ],
        widths=[34, 12, 8, 18, 14, 12],
    )
    table.add_rows(
        [
            r.organisation.name,
            _status_label(r),
            r.late,
            r.submitted_at,
            r.online_share,
            r.warnings if r.plan else None,
        ]
        for r in rows
    )
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    name = f"{campaign.year}活动方案.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def rules(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """The campaign's safety rules: everyone it concerns may read them, its coordinators edit."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    editable = can_set_rules(request.user, campaign)
    current = rules_for(campaign)
    form = SafetyRulesForm(
        request.POST or None,
        initial={
            "version": current.version,
            "max_in_person_attendance": current.max_in_person_attendance,
            "required_measures": "\n".join(current.required_measures or []),
            "min_online_percent": current.min_online_percent,
            "enforce": current.enforce,
        },
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_safety_rules(
                    by=request.user, campaign=campaign, **form.cleaned_data
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The safety rules were saved."))
                return redirect("plans:rules", campaign_pk=campaign.pk)
    return render(
        request,
        "plans/rules.html",
        {"campaign": campaign, "rules": current, "form": form, "editable": editable},
    )
