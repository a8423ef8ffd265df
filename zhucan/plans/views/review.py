from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.plans import services
from zhucan.plans.access import can_review, get_plan_for_user
from zhucan.plans.forms import DecisionForm, comment_targets
from zhucan.plans.models import Plan
from zhucan.plans.selectors import plan_page, version_diff


def _decide(request: AuthenticatedRequest, plan: Plan, form: DecisionForm) -> str | None:
    """Carry out the button the reviewer pressed; the success message, or None."""
    comment = form.to_input()
    version = form.cleaned_data["version"]
    decision = request.POST.get("decision")
    if decision == "approve":
        services.approve_plan(by=request.user, plan=plan, version=version, comment=comment)
        return _("The plan was approved.")
    if decision == "return":
        services.return_plan(by=request.user, plan=plan, version=version, comments=[comment])
        return _("The plan was returned to its authors with your comments.")
    if not comment.text.strip():
        form.add_error("text", _("Write the comment."))
        return None
    services.add_comment(by=request.user, plan=plan, comment=comment)
    return _("Your comment was added.")


@login_required
def review(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    """The reviewer's page: what changed since the last submission, warnings, comments, and
    one form to approve, return or only comment."""
    plan = get_plan_for_user(request.user, plan_pk)
    if not can_review(request.user, plan.campaign):
        raise PermissionDenied
    page = plan_page(plan)
    targets = comment_targets(plan, [v.activity for v in page.activities])
    form = DecisionForm(
        request.POST or None, targets=targets, initial={"target": "plan", "version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            success = _decide(request, plan, form)
        except DomainError as error:
            apply_domain_error(form, error)
            # Show the plan as it is now (another reviewer may just have decided).
            plan = get_plan_for_user(request.user, plan_pk)
            page = plan_page(plan)
        else:
            if success:
                messages.success(request, success)
                return redirect("plans:review", plan_pk=plan.pk)
    return render(
        request,
        "plans/plan_review.html",
        {
            "plan": plan,
            "campaign": plan.campaign,
            "page": page,
            "diff": version_diff(page.versions),
            "form": form,
            "can_decide": plan.status == Plan.Status.SUBMITTED,
        },
    )
