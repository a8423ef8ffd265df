"""Completeness pages: thin views over ``selectors`` and ``services``."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.selectors import cascade
from zhucan.completeness import services
from zhucan.completeness.deliverables import BY_KIND, Status
from zhucan.completeness.exports import completeness_workbook
from zhucan.completeness.forms import RemindForm, ScheduleForm
from zhucan.completeness.models import ReminderSent, SweepRun
from zhucan.completeness.page import Listing, overview, recipients
from zhucan.completeness.selectors import (
    Completeness,
    Row,
    completeness,
    filter_rows,
    sort_rows,
)
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.forms import apply_domain_error
from zhucan.core.routing import reads_from_replica
from zhucan.orgs.access import (
    audit_path_for,
    capability_roots,
    get_organisation_for_user,
    has_capability,
    visible_organisations,
)
from zhucan.orgs.roles import Capability

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    kind = get.get("kind", "")
    status = get.get("status", "")
    sort = get.get("sort", "name")
    return {
        "kind": kind if kind in BY_KIND else "",
        "status": status if status in Status.values else "",
        "q": get.get("q", "").strip()[:50],
        "sort": sort if sort.partition(":")[0] in {"name", "reminders", *BY_KIND} else "name",
    }


def _report(
    request: HttpRequest, campaign: Campaign
) -> tuple[Completeness, dict[str, str], list[Row]]:
    """The report for the node asked for, the filters, and its rows filtered and sorted."""
    node_pk = request.GET.get("node")
    node = get_organisation_for_user(request.user, node_pk) if node_pk else None
    report = completeness(request.user, campaign, node=node)
    filters = _filters(request)
    rows = sort_rows(
        filter_rows(report.rows, kind=filters["kind"], status=filters["status"], q=filters["q"]),
        filters["sort"],
    )
    return report, filters, rows


def _sort_columns(filters: dict[str, str], base: dict[str, str]) -> list[dict[str, str]]:
    """Sortable headings: the organisation, each deliverable (worst first), reminders."""
    labels = {"name": _("Organisation")} | {k: d.label for k, d in BY_KIND.items()}
    labels["reminders"] = _("Reminders")
    current, _sep, direction = filters["sort"].partition(":")
    columns = []
    for key, label in labels.items():
        active = key == current
        flip = f"{key}:desc" if active and direction != "desc" else key
        aria_sort = ("descending" if direction == "desc" else "ascending") if active else ""
        if key == "name" and active:
            # Not an alphabetical order, and a heading must not claim one: the tree's own order.
            aria_sort = "other"
            note = (
                _("in the reverse of the usual order")
                if direction == "desc"
                else _("in the usual order: areas by region code, then departments")
            )
        elif aria_sort:
            note = _("sorted descending") if direction == "desc" else _("sorted ascending")
        else:
            note = ""
        columns.append(
            {
                "key": key,
                "label": label,
                "href": "?" + urlencode(base | {"sort": flip}),
                "aria_sort": aria_sort,
                "note": note,
                "arrow": "▼" if direction == "desc" else "▲",
            }
        )
    return columns


@login_required
@reads_from_replica
def campaign_completeness(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node_pk = request.GET.get("node")
    node = get_organisation_for_user(request.user, node_pk) if node_pk else None
    report = overview(request.user, campaign, node=node)
    filters = _filters(request)
    if report.node is None:
        # Several roots and no node: every row was read (see ``page``), filtered here.
        rows = sort_rows(
            filter_rows(
                report.rows, kind=filters["kind"], status=filters["status"], q=filters["q"]
            ),
            filters["sort"],
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        found = recipients(
            request.user,
            campaign,
            report.node,
            kind=filters["kind"],
            status=filters["status"],
            q=filters["q"],
            sort=filters["sort"],
        )
        # Unfiltered, the kept counts already say how many there are.
        known = None if filters["status"] or filters["q"] or report.rows else report.recipients
        page = Paginator(Listing(found, count=known), PAGE_SIZE).get_page(request.GET.get("page"))
    base = {k: v for k, v in filters.items() if v and k != "sort"}
    if report.node is not None and request.GET.get("node"):
        base["node"] = str(report.node.pk)
    can_remind = campaign.status == Campaign.Status.PUBLISHED and bool(
        request.user.is_superuser or capability_roots(request.user, Capability.COORDINATE)
    )
    missing = {
        k.kind: report.totals[k.kind].missing + report.totals[k.kind].overdue for k in report.kinds
    }
    return render(
        request,
        "completeness/campaign.html",
        {
            "campaign": campaign,
            "report": report,
            "page_obj": page,
            "filters": filters,
            "statuses": Status.choices,
            "columns": _sort_columns(filters, base),
            "querystring_base": urlencode(base | {"sort": filters["sort"]}) + "&",
            "export_query": urlencode(base | {"sort": filters["sort"]}),
            "node_query": f"node={base['node']}&" if base.get("node") else "",
            "can_remind": can_remind,
            "summary": [
                {"kind": k, "tally": report.totals[k.kind], "missing": missing[k.kind]}
                for k in report.kinds
            ],
            "any_missing": any(missing.values()),
            "can_schedule": has_capability(
                request.user, Capability.COORDINATE, campaign.issuing_org
            ),
            "can_view_reminders": has_capability(
                request.user, Capability.VIEW, campaign.issuing_org
            ),
        },
    )


@login_required
@reads_from_replica
def export(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    report, filters, rows = _report(request, campaign)
    content = completeness_workbook(report, rows)
    node = report.node
    audit.record_download(
        by=request.user,
        action="completeness.campaign.downloaded",
        fmt="xlsx",
        target=campaign,
        org_path=node.path if node else audit_path_for(request.user, campaign.audit_org_path),
        # The free-text search is recorded as used, not as what was typed.
        filters={
            "node": node.pk if node else None,
            "kind": filters["kind"],
            "status": filters["status"],
            "sort": filters["sort"],
            "search": bool(filters["q"]),
        },
        rows=len(rows),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"{campaign.year}完成情况.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
@login_required
def remind(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    # The same test as the page's button: only coordinators send reminders (403 for the others).
    if not (request.user.is_superuser or capability_roots(request.user, Capability.COORDINATE)):
        raise PermissionDenied
    form = RemindForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    try:
        sent = services.remind_missing(by=request.user, campaign=campaign, kind=kind)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(
                request,
                _("Reminders sent: %(n)d, to the organisations that have not delivered.")
                % {"n": sent},
            )
        else:
            messages.info(
                request, _("Nothing to remind: no one is missing, or they were just reminded.")
            )
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("completeness:campaign", campaign_pk=campaign.pk)


@login_required
def reminders(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """Deadlines and the reminder schedule (coordinators change them), and what was sent."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    editable = has_capability(request.user, Capability.COORDINATE, campaign.issuing_org)
    if not (editable or has_capability(request.user, Capability.VIEW, campaign.issuing_org)):
        raise PermissionDenied
    schedule = services.schedule_for(campaign)
    form = ScheduleForm(
        request.POST or None,
        initial={
            "version": schedule.version if schedule.pk else 0,
            "campaign_version": campaign.version,
            "receipts_due": schedule.receipts_due,
            "plans_due": campaign.plans_due,
            "reports_due": campaign.reports_due,
            "summary_due": campaign.summary_due,
            "days_before": schedule.days_before,
            "repeat_every_days": schedule.repeat_every_days,
            "escalate_after_days": schedule.escalate_after_days,
            "by_email": schedule.by_email,
            "by_sms": schedule.by_sms,
            "active": schedule.active,
        },
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_schedule(by=request.user, campaign=campaign, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The deadlines and reminders were saved."))
                return redirect("completeness:reminders", campaign_pk=campaign.pk)
    sent = (
        ReminderSent.objects.filter(campaign__in=cascade(campaign))
        .filter(organisation__in=visible_organisations(request.user))
        .select_related("organisation", "notified_org", "sent_by")
    )
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "completeness/reminders.html",
        {
            "campaign": campaign,
            "form": form,
            "editable": editable,
            "page_obj": page,
            "querystring_base": "",
            "last_sweep": SweepRun.objects.filter(finished_at__isnull=False).first(),
        },
    )
