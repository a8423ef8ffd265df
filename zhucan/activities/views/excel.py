"""Activity reports in Excel: the template, upload → dry run → confirm → import, the export.

The confirmation is a second upload of the same file, with a signed token naming the campaign,
the person, the file's digest and the number of valid rows that were shown (see
zhucan.activities.excel for why nothing is kept on the server between the two steps). The dry
run stays in the request (it reads and checks, a few queries in all); the confirmed import is
queued as background work and the person is sent to its progress page (views.import_jobs).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.excel import ImportCheck, build_template, check_file
from zhucan.activities.excel_export import export_reports as build_export
from zhucan.activities.models import ActivityReport, ImportJob
from zhucan.activities.services.imports import start_import
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.forms import Form
from zhucan.core.uploads import check_upload
from zhucan.orgs.access import audit_path_for
from zhucan.orgs.models import Organisation
from zhucan.orgs.xlsx_reader import MAX_FILE_BYTES
from zhucan.plans.access import writable_recipients

CONFIRM_PREFIX = "confirm"
TOKEN_SALT = "zhucan.activities.excel-import"  # noqa: S105 - a namespace, not a secret
TOKEN_MAX_AGE = 2 * 60 * 60  # a report read more than two hours ago is checked again


class UploadForm(Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Use this campaign's template. At most 5 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    dates_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "Dates outside the campaign's year in this file are right (an activity of another "
            "year on purpose)"
        ),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload, allowed={".xlsx"}, max_bytes=MAX_FILE_BYTES)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class ConfirmForm(UploadForm):
    """The second upload: the same file again, bound to the dry run by a signed token."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext_lazy(
            "Choose the same file again. It is checked once more, then imported in one step."
        )
        # The dry run's answer travels in the signed token: not asked twice.
        del self.fields["dates_confirmed"]


def _campaign_and_recipients(request: HttpRequest, campaign_pk: int) -> tuple[Campaign, list[Any]]:
    """404 outside the jurisdiction; 403 for someone who may see the campaign but report for
    none of its recipients."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    recipients = writable_recipients(request.user, campaign)
    if not recipients:
        raise PermissionDenied
    return campaign, recipients


def _token(
    request: HttpRequest, campaign: Campaign, check: ImportCheck, *, dates_confirmed: bool
) -> str:
    payload = {
        "c": campaign.pk,
        "u": request.user.pk,
        "h": check.digest,
        "n": len(check.valid_rows),
        "p": bool(check.problems),
        "d": dates_confirmed,
    }
    return signing.dumps(payload, salt=TOKEN_SALT)


def _read_token(request: HttpRequest, campaign: Campaign, token: str) -> dict[str, Any] | None:
    try:
        payload: dict[str, Any] = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("c") != campaign.pk or payload.get("u") != request.user.pk:
        return None
    return payload


@login_required
def import_template(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign, recipients = _campaign_and_recipients(request, campaign_pk)
    content = build_template(campaign=campaign, recipients=recipients)
    audit.record_download(
        by=request.user,
        action="activities.template.downloaded",
        fmt="xlsx",
        target=campaign,
        org_path=audit_path_for(request.user, campaign.audit_org_path),
        rows=len(recipients),
    )
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, "活动情况导入模板.xlsx")},
    )


@login_required
def import_reports_page(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign, recipients = _campaign_and_recipients(request, campaign_pk)
    upload_form = UploadForm()
    confirm_form: ConfirmForm | None = None
    check: ImportCheck | None = None
    dates_confirmed = False
    if request.method == "POST" and f"{CONFIRM_PREFIX}-token" in request.POST:
        confirm_form = ConfirmForm(request.POST, request.FILES, prefix=CONFIRM_PREFIX)
        if confirm_form.is_valid():
            response, check, dates_confirmed = _confirm(request, campaign, recipients, confirm_form)
            if response is not None:
                return response
            confirm_form = None
    elif request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            data = bytes(upload_form.cleaned_data["file"].read())
            dates_confirmed = upload_form.cleaned_data["dates_confirmed"]
            check = check_file(
                data=data,
                campaign=campaign,
                recipients=recipients,
                dates_confirmed=dates_confirmed,
            )
    if check is not None and check.valid_rows and (confirm_form is None or not confirm_form.errors):
        token = _token(request, campaign, check, dates_confirmed=dates_confirmed)
        confirm_form = ConfirmForm(prefix=CONFIRM_PREFIX, initial={"token": token})
    elif check is not None:
        confirm_form = None
    if check is not None and check.problems:
        messages.error(request, _("The file has problems (listed below). Nothing was saved."))
    # What the buttons offer: from the check just made, or from the token of a confirmation
    # that came back with an error (no file chosen, say).
    choice = None
    if check is not None:
        choice = {"valid": len(check.valid_rows), "problems": bool(check.problems)}
    elif confirm_form is not None:
        payload = _read_token(request, campaign, str(confirm_form.data.get("confirm-token", "")))
        if payload is None:
            confirm_form = None
        else:
            choice = {"valid": payload["n"], "problems": payload["p"]}
    recent = (
        ImportJob.objects.visible_to(request.user)
        .filter(campaign=campaign, created_by_id=request.user.pk)
        .only("pk", "campaign_id", "file_name", "status", "created_at", "digest")[:5]
    )
    return render(
        request,
        "activities/excel_import.html",
        {
            "campaign": campaign,
            "recent_jobs": [(job, job_url(job)) for job in recent],
            "recipients": recipients,
            "upload_form": upload_form,
            "confirm_form": confirm_form,
            "check": check,
            "choice": choice,
        },
    )


def _confirm(
    request: AuthenticatedRequest,
    campaign: Campaign,
    recipients: list[Organisation],
    form: ConfirmForm,
) -> tuple[HttpResponse | None, ImportCheck, bool]:
    """Import when the file and the choice are those of the dry run the person read; else the
    report for the file as it is now, to be read and confirmed again. The dates confirmation
    is the dry run's, carried by its signed token."""
    upload = form.cleaned_data["file"]
    data = bytes(upload.read())
    payload = _read_token(request, campaign, form.cleaned_data["token"])
    dates_confirmed = bool(payload and payload.get("d"))
    check = check_file(
        data=data, campaign=campaign, recipients=recipients, dates_confirmed=dates_confirmed
    )
    # Which button was pressed: "Import all" or "Import only the N valid rows".
    only_valid = request.POST.get(f"{CONFIRM_PREFIX}-scope") == "valid"
    if payload is None or payload["h"] != check.digest:
        messages.warning(
            request,
            _(
                "This is not the file whose report you read. Below is the report for this "
                "file: check it, then confirm again."
            ),
        )
        return None, check, dates_confirmed
    if payload["n"] != len(check.valid_rows) or (not only_valid and not check.is_valid):
        # The tree or the campaign changed since the dry run (or the button was forged).
        messages.warning(
            request,
            _("The report for this file has changed since you read it. Read it again."),
        )
        return None, check, dates_confirmed
    try:
        job = start_import(
            by=request.user,
            campaign=campaign,
            check=check,
            data=data,
            only_valid=only_valid,
            file_name=upload.name or "",
            dates_confirmed=dates_confirmed,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return None, check, dates_confirmed
    messages.success(
        request,
        _(
            "The file is being imported in the background. The reports are imported as "
            "drafts: check them, then submit them."
        ),
    )
    return redirect(job_url(job)), check, dates_confirmed


def job_url(job: ImportJob) -> str:
    url = reverse("activities:import_job", kwargs={"campaign_pk": job.campaign_id})
    return f"{url}?job={job.pk}"


@login_required
def export_reports(request: AuthenticatedRequest) -> HttpResponse:
    """The reports the person may see, optionally of one campaign and one status."""
    reports = ActivityReport.objects.visible_to(request.user)
    campaign = request.GET.get("campaign", "")
    filters: dict[str, Any] = {"campaign": None, "status": ""}
    if campaign.isdigit():
        reports = reports.filter(campaign_id=int(campaign))
        filters["campaign"] = int(campaign)
    status = request.GET.get("status", "")
    if status in ActivityReport.Status.values:
        reports = reports.filter(status=status)
        filters["status"] = status
    content = build_export(reports)
    audit.record_download(
        by=request.user,
        action="activities.reports.downloaded",
        fmt="xlsx",
        org_path=audit_path_for(request.user),
        filters=filters,
        rows=reports.count(),
    )
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, "活动情况.xlsx")},
    )
