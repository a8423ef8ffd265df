"""Loading organisations from Excel: the template, and upload → report → confirm → import.

The confirmation is a second upload of the same file (see zhucan.orgs.importer for why).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.orgs.access import (
    audit_path_for,
    can_manage_orgs,
    get_organisation_for_user,
    has_capability,
)
from zhucan.orgs.forms import ImportConfirmForm, ImportUploadForm
from zhucan.orgs.import_format import build_template
from zhucan.orgs.importer import ImportReport, check_file, run_import
from zhucan.orgs.roles import Capability
from zhucan.orgs.xlsx_reader import MAX_FILE_BYTES

CONFIRM_PREFIX = "confirm"


@login_required
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.MANAGE_ORGS):
        raise PermissionDenied
    content = build_template()
    audit.record_download(
        by=request.user,
        action="orgs.template.downloaded",
        fmt="xlsx",
        org_path=audit_path_for(request.user),
        rows=0,
    )
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, "单位导入模板.xlsx")},
    )


def _uploaded_bytes(form: ImportUploadForm) -> bytes | None:
    upload = form.cleaned_data["file"]
    if upload.size > MAX_FILE_BYTES:
        form.add_error(
            "file",
            _("The file is larger than %(max)d MB. Split it into several files.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)},
        )
        return None
    return bytes(upload.read())


@login_required
def organisation_import(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    under = get_organisation_for_user(request.user, org_pk)
    if not can_manage_orgs(request.user, under):
        raise PermissionDenied
    upload_form = ImportUploadForm()
    confirm_form: ImportConfirmForm | None = None
    report: ImportReport | None = None
    skip = False
    if request.method == "POST" and f"{CONFIRM_PREFIX}-digest" in request.POST:
        confirm_form = ImportConfirmForm(request.POST, request.FILES, prefix=CONFIRM_PREFIX)
        confirm_form.is_valid()
        cleaned = confirm_form.cleaned_data
        # Even when the box was not ticked, the file is checked again to show its report.
        data = _uploaded_bytes(confirm_form) if "file" in cleaned else None
        if data is not None:
            skip = bool(cleaned.get("skip_existing"))
            report = check_file(data=data, under=under, skip_existing=skip)
            if not confirm_form.errors and report.digest != cleaned.get("digest"):
                messages.error(
                    request,
                    _(
                        "This is not the file whose report you checked. Below is the report "
                        "for this file: check it, then confirm again."
                    ),
                )
                confirm_form = None
            elif not confirm_form.errors and report.is_valid:
                report = run_import(
                    by=request.user,
                    under=under,
                    data=data,
                    skip_existing=skip,
                    file_name=cleaned["file"].name,
                )
                if report.imported:
                    messages.success(
                        request,
                        _("%(created)d organisations were imported, %(skipped)d skipped.")
                        % {"created": len(report.to_create), "skipped": len(report.skipped)},
                    )
                    return redirect("orgs:detail", org_pk=under.pk)
    elif request.method == "POST":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if upload_form.is_valid() and (data := _uploaded_bytes(upload_form)) is not None:
            skip = upload_form.cleaned_data["skip_existing"]
            report = check_file(data=data, under=under, skip_existing=skip)
    if report is not None and not report.is_valid:
        messages.error(request, _("The file has problems (listed below). Nothing was saved."))
        confirm_form = None
    elif report is not None and (confirm_form is None or not confirm_form.errors):
        # A fresh confirmation bound to this report's file and choice.
        confirm_form = ImportConfirmForm(
            prefix=CONFIRM_PREFIX, initial={"digest": report.digest, "skip_existing": skip}
        )
    return render(
        request,
        "orgs/organisation_import.html",
        {
            "under": under,
            "upload_form": upload_form,
            "confirm_form": confirm_form,
            "report": report,
        },
    )
