from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.plans.access import get_plan_for_user
from zhucan.plans.documents import plan_title, render_plan_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


@login_required
def plan_docx(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    """The 实施方案 generated from the plan's structure."""
    plan = get_plan_for_user(request.user, plan_pk)
    content = render_plan_docx(plan)
    audit.record_download(by=request.user, action="plans.plan.downloaded", fmt="docx", target=plan)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = _disposition(f"{plan_title(plan)}.docx")
    return response


@login_required
def uploaded_document(request: AuthenticatedRequest, plan_pk: int) -> HttpResponseBase:
    """The Word file the authors uploaded themselves, if any."""
    plan = get_plan_for_user(request.user, plan_pk)
    if not plan.document:
        messages.info(request, _("No document has been uploaded for this plan."))
        return redirect("plans:detail", plan_pk=plan.pk)
    try:
        handle = plan.document.open("rb")
    except FileNotFoundError:
        messages.error(request, _("The uploaded document could not be found."))
        return redirect("plans:detail", plan_pk=plan.pk)
    audit.record_download(
        by=request.user, action="plans.document.downloaded", fmt="docx", target=plan
    )
    response = FileResponse(handle, content_type=DOCX)
    response["Content-Disposition"] = _disposition(plan.document_name or "plan.docx")
    return response
