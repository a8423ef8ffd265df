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
from zhucan.plans import services
from zhucan.plans.access import can_write, get_plan_for_user
from zhucan.plans.forms import ActivityChoices, ActivityFormSet, PlanForm
from zhucan.plans.models import SECTIONS, Plan
from zhucan.plans.safety import check_activities, rules_for


def _initial(plan: Plan) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    sections = {key: getattr(plan, key) for key in SECTIONS} | {"version": plan.version}
    rows = [
        {
            "id": a.pk,
            "title": a.title,
            "start_date": a.start_date,
            "end_date": a.end_date,
            "duty": a.duty_id or "",
            "category": a.category,
            "mode": a.mode,
            "expected_attendance": a.expected_attendance,
            "place": a.place,
            "region": a.region_id or "",
            "safety_measures": a.safety_measures,
            "person_responsible": a.person_responsible,
            "phone": a.phone,
            "is_public": a.is_public,
            "online_link": a.online_link,
            "venue_access": a.venue_access,
            "by_appointment": a.by_appointment,
        }
        for a in plan.activities.all()
    ]
    return sections, rows


def _errors(
    form: PlanForm, formset: Any, domain_error: DomainError | None
) -> list[tuple[str, str]]:
    """One summary for the sections, every activity row and the service's refusal, as
    (id of the input to link to, or "", message)."""
    errors = []
    if domain_error is not None:
        # The upload check names its field "file"; on this form that is the document input.
        anchor = form["document"].auto_id if domain_error.field == "file" else ""
        errors.append((anchor, domain_error.message))
    errors += [("", str(m)) for m in form.non_field_errors()]
    for field in form:
        errors += [(field.auto_id, f"{field.label}：{message}") for message in field.errors]
    errors += [("", str(m)) for m in formset.non_form_errors()]
    for number, row in enumerate(formset.forms, start=1):
        label = _("Activity %(n)d") % {"n": number}
        errors += [("", f"{label}：{m}") for m in row.non_field_errors()]
        for field in row:
            for message in field.errors:
                label = _("Activity %(n)d, %(field)s") % {"n": number, "field": field.label}
                errors.append((field.auto_id, f"{label}：{message}"))
    return errors


@login_required
def edit_plan(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    if not can_write(request.user, plan):
        raise PermissionDenied
    if not plan.is_editable:
        messages.info(request, _("This plan is with the reviewer and cannot be changed now."))
        return redirect("plans:detail", plan_pk=plan.pk)
    sections, rows = _initial(plan)
    choices = ActivityChoices.for_plan(plan)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, request.FILES or None, initial=sections)
    formset = ActivityFormSet(
        data, initial=rows, prefix="activity", form_kwargs={"choices": choices}
    )
    domain_error = None
    rules = rules_for(plan.campaign)
    if data is not None and form.is_valid() and formset.is_valid():
        activities = [
            row.to_input()
            for row in formset.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        try:
            services.update_plan(
                by=request.user,
                plan=plan,
                version=form.cleaned_data["version"],
                aims=form.cleaned_data["aims"],
                leadership=form.cleaned_data["leadership"],
                publicity=form.cleaned_data["publicity"],
                safeguards=form.cleaned_data["safeguards"],
                activities=activities,
                document=form.cleaned_data.get("document"),
                remove_document=form.cleaned_data.get("remove_document", False),
            )
        except DomainError as error:
            domain_error = error
        else:
            messages.success(request, _("The plan was saved."))
            if request.POST.get("action") == "add":
                return redirect(reverse("plans:edit", kwargs={"plan_pk": plan.pk}) + "#new")
            return redirect("plans:detail", plan_pk=plan.pk)
    return render(
        request,
        "plans/plan_edit.html",
        {
            "plan": plan,
            "campaign": plan.campaign,
            "form": form,
            "formset": formset,
            "errors": _errors(form, formset, domain_error) if data is not None else [],
            # The saved plan's warnings, so the author sees them while fixing.
            "warnings": check_activities(rules, list(plan.activities.all())),
            "rules": rules,
        },
    )
