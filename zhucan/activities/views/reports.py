"""The report pages: the list, the form (new and edit), the detail page, submit and review."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhucan.activities import services
from zhucan.activities.access import can_review, can_write, get_report_for_user
from zhucan.activities.dates import offer_confirmation
from zhucan.activities.duty_suggestions import suggest_for_report
from zhucan.activities.forms import (
    ReportFilterForm,
    ReportForm,
    VisitFormSet,
    report_initial,
    visit_initial,
    visit_inputs,
)
from zhucan.activities.models import ActivityReport
from zhucan.activities.selectors import (
    ReportChoices,
    filter_choices,
    new_report_choices,
    report_page,
    reports_to_review,
    suggested_duties,
    visible_reports,
)
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import get_organisation_for_user, has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.plans.access import writable_recipients

PAGE_SIZE = 25


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    choices = filter_choices(request.user)
    form = ReportFilterForm(
        request.GET or None, campaigns=choices.campaigns, organisations=choices.organisations
    )
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    reports = visible_reports(
        request.user,
        q=q,
        campaign=data.get("campaign"),
        status=data.get("status") or "",
        organisation=data.get("organisation"),
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/report_list.html",
        {
            "form": form,
            "page_obj": page,
            "searching": any(data.get(k) for k in ("q", "campaign", "status", "organisation")),
            "querystring_base": (query.urlencode() + "&") if query else "",
            "to_review": reports_to_review(request.user),
            "new_choices": new_report_choices(request.user),
            # The export takes the filters it understands, as they were asked for.
            "export_query": urlencode(
                {k: request.GET[k] for k in ("campaign", "status") if request.GET.get(k)}
            ),
        },
    )


def _errors(form: ReportForm, formset: Any) -> list[tuple[str, str]]:
    """One summary for the report, every visit and the service's refusal, as (id of the input
    to link to, or "", message)."""
    errors = [("", str(m)) for m in form.non_field_errors()]
    for field in form:
        # A group of checkboxes has no input with the field's own id: link to the first box.
        anchor = f"{field.auto_id}_0" if field.name == "duties" else field.auto_id
        errors += [(anchor, f"{field.label}：{message}") for message in field.errors]
    errors += [("", str(m)) for m in formset.non_form_errors()]
    for number, row in enumerate(formset.forms, start=1):
        label = _("Visit %(n)d") % {"n": number}
        errors += [("", f"{label}：{m}") for m in row.non_field_errors()]
        for field in row:
            for message in field.errors:
                label = _("Visit %(n)d, %(field)s") % {"n": number, "field": field.label}
                errors.append((field.auto_id, f"{label}：{message}"))
    return errors


def _report_form(
    request: AuthenticatedRequest,
    *,
    campaign: Campaign,
    organisation: Organisation,
    report: ActivityReport | None,
    extra_context: dict[str, Any],
) -> HttpResponse:
    """Show the form, or save it through the service and go on to the report."""
    choices = ReportChoices.load(campaign, organisation)
    data = request.POST if request.method == "POST" else None
    if report is None:
        initial: dict[str, Any] = {"client_id": uuid.uuid4()}
        rows: list[dict[str, Any]] = []
    else:
        initial, rows = report_initial(report), visit_initial(report)
    suggested = [] if initial.get("duties") else suggested_duties(choices, organisation, report)
    if suggested:
        initial["duties"] = [d.pk for d in suggested]
    form = ReportForm(data, initial=initial, choices=choices)
    if suggested:
        form.fields["duties"].help_text = _(
            "Ticked for you from your unit's duties in the notice. Untick what the activity did "
            "not serve, and tick what else it did."
        )
    formset = VisitFormSet(data, initial=rows, prefix="visit", form_kwargs={"choices": choices})
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_report(
                by=request.user,
                campaign=campaign,
                organisation=organisation,
                data=form.to_input(visit_inputs(formset)),
                client_id=form.cleaned_data["client_id"],
                version=form.cleaned_data.get("version") if report is not None else None,
            )
        except DomainError as error:
            offer_confirmation(form, error)
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The report was saved."))
            if request.POST.get("action") == "add":
                url = reverse("activities:edit", kwargs={"report_pk": saved.pk})
                return redirect(f"{url}#new-visit")
            return redirect("activities:detail", report_pk=saved.pk)
    return render(
        request,
        "activities/report_form.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "report": report,
            "form": form,
            "formset": formset,
            "errors": _errors(form, formset) if data is not None else [],
        }
        | extra_context,
    )


@login_required
def new_report(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    recipients = writable_recipients(request.user, campaign)
    if not recipients:
        raise PermissionDenied
    if campaign.status != Campaign.Status.PUBLISHED:
        messages.error(request, _("Reports can only be filed for a published, open campaign."))
        return redirect("activities:list")
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    if chosen is None and len(recipients) == 1:
        organisation = recipients[0]
    elif chosen is None:
        return render(
            request,
            "activities/report_choose_org.html",
            {"campaign": campaign, "recipients": recipients},
        )
    else:
        # A forged or foreign organisation id is "not found", like one that does not exist.
        organisation = get_organisation_for_user(request.user, chosen)
        if organisation.pk not in {o.pk for o in recipients}:
            raise Http404
    return _report_form(
        request,
        campaign=campaign,
        organisation=organisation,
        report=None,
        extra_context={"recipients": recipients},
    )


@login_required
def edit_report(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    if not can_write(request.user, report):
        if has_capability(request.user, Capability.REPORT, report.organisation):
            messages.info(request, _("This report was submitted and cannot be changed now."))
            return redirect("activities:detail", report_pk=report.pk)
        raise PermissionDenied
    return _report_form(
        request,
        campaign=report.campaign,
        organisation=report.organisation,
        report=report,
        extra_context={},
    )


@login_required
def report_detail(request: HttpRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    writer = can_write(request.user, report)
    return render(
        request,
        "activities/report_detail.html",
        {
            "report": report,
            "campaign": report.campaign,
            "page": report_page(report),
            "can_edit": writer,
            "can_submit": writer,
            "can_decide": can_review(request.user, report)
            and report.status == ActivityReport.Status.SUBMITTED,
            # An accepted report found wrong goes back for correction (and leaves the figures).
            "can_reopen": can_review(request.user, report)
            and report.status == ActivityReport.Status.ACCEPTED
            and report.created_by_id != request.user.pk,
            **_duty_review(request.user, report),
            "can_propose_typical": report.status == ActivityReport.Status.ACCEPTED
            and (
                has_capability(request.user, Capability.REPORT, report.organisation)
                or has_capability(request.user, Capability.COORDINATE, report.organisation)
            ),
        },
    )


def _duty_review(user: Any, report: ActivityReport) -> dict[str, Any]:
    """The reviewer's duty form: every duty of the notice, the report's ticked or, when it has
    none, the suggested ones, so that accepting the suggestion is one click."""
    if report.status not in (
        ActivityReport.Status.SUBMITTED,
        ActivityReport.Status.ACCEPTED,
    ) or not can_review(user, report):
        return {"can_set_duties": False}
    duties = list(report.campaign.duties.all())
    if not duties:
        return {"can_set_duties": False}
    current = {d.pk for d in report.duties.all()}
    suggested = [] if current else suggest_for_report(report)
    ticked = current or {d.pk for d in suggested}
    return {
        "can_set_duties": True,
        "suggested_duties": suggested,
        "duty_choices": [(d, d.pk in ticked) for d in duties],
    }


@require_POST
@login_required
def set_duties(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    if not can_review(request.user, report):
        raise PermissionDenied
    wanted = {int(v) for v in request.POST.getlist("duties") if v.isdigit() and len(v) < 10}
    duties = list(report.campaign.duties.filter(pk__in=wanted))
    try:
        services.set_report_duties(
            by=request.user, report=report, duties=duties, version=_version(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The duties of the report were saved."))
    return redirect("activities:detail", report_pk=report.pk)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
@login_required
def submit(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    if not has_capability(request.user, Capability.REPORT, report.organisation):
        raise PermissionDenied
    try:
        services.submit_report(by=request.user, report=report, version=_version(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report was submitted."))
    return redirect("activities:detail", report_pk=report.pk)


@require_POST
@login_required
def review(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    if not can_review(request.user, report):
        raise PermissionDenied
    decision, version = request.POST.get("decision"), _version(request)
    try:
        if decision == "accept":
            services.accept_report(by=request.user, report=report, version=version)
            messages.success(request, _("The report was accepted."))
        elif decision == "return":
            services.return_report(
                by=request.user,
                report=report,
                version=version,
                reason=request.POST.get("reason", "")[:2000],
            )
            messages.success(request, _("The report was returned to its authors."))
        else:
            messages.error(request, _("Choose to accept or to return the report."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("activities:detail", report_pk=report.pk)
