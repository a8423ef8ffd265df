from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import get_organisation_for_user, has_capability
from zhucan.orgs.roles import Capability
from zhucan.plans import services
from zhucan.plans.access import can_review, can_write, get_plan_for_user
from zhucan.plans.forms import CommentForm, comment_targets
from zhucan.plans.models import Plan
from zhucan.plans.selectors import my_plan_rows, overseen_campaigns, plan_page, plans_to_review


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/plan_list.html",
        {
            "rows": my_plan_rows(request.user),
            "to_review": plans_to_review(request.user),
            "overseen": overseen_campaigns(request.user),
        },
    )


@require_POST
@login_required
def start_plan(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    # A forged or foreign organisation id is "not found", like one that does not exist.
    organisation = get_organisation_for_user(request.user, request.POST.get("organisation"))
    if not has_capability(request.user, Capability.REPORT, organisation):
        raise PermissionDenied
    existing = Plan.objects.filter(campaign=campaign, organisation=organisation).first()
    if existing is not None:  # a second click, or another colleague started it
        return redirect("plans:edit", plan_pk=existing.pk)
    try:
        plan = services.create_plan(by=request.user, campaign=campaign, organisation=organisation)
    except DomainError as error:
        # A second click that lost the race to the first: go where the first went.
        existing = Plan.objects.filter(campaign=campaign, organisation=organisation).first()
        if existing is not None:
            return redirect("plans:edit", plan_pk=existing.pk)
        messages.error(request, error.message)
        return redirect("plans:list")
    return redirect("plans:edit", plan_pk=plan.pk)


@login_required
def plan_detail(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    """The plan as it stands, its warnings and comments; comments are posted here too."""
    plan = get_plan_for_user(request.user, plan_pk)
    page = plan_page(plan)
    targets = comment_targets(plan, [v.activity for v in page.activities])
    form = CommentForm(request.POST or None, targets=targets, initial={"target": "plan"})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_comment(
                by=request.user,
                plan=plan,
                comment=form.to_input(),
                token=form.cleaned_data["client_id"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect("plans:detail", plan_pk=plan.pk)
    return render(
        request,
        "plans/plan_detail.html",
        _detail_context(request, plan, page) | {"form": form},
    )


def _detail_context(request: HttpRequest, plan: Plan, page: Any) -> dict[str, Any]:
    campaign = plan.campaign
    writer = can_write(request.user, plan)
    return {
        "plan": plan,
        "campaign": campaign,
        "page": page,
        "can_write": writer,
        "can_edit": writer and plan.is_editable,
        "can_review": can_review(request.user, campaign),
        "can_comment": writer or can_review(request.user, campaign),
    }


@require_POST
@login_required
def submit(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk)
    if not can_write(request.user, plan):
        raise PermissionDenied
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        plan = services.submit_plan(by=request.user, plan=plan, version=version)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if plan.late:
            messages.warning(
                request, _("The plan was submitted after the deadline and is marked late.")
            )
        messages.success(request, _("The plan was submitted for review."))
    return redirect("plans:detail", plan_pk=plan.pk)
