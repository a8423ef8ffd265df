"""The registry's Excel import: upload → column mapping → dry run → confirm → import.

The dry run and the import run in the background (``registry.imports.jobs``); the job's page
shows a progress bar that a static script keeps up to date from ``import_progress`` (JSON),
and a link that reloads the page without it. Imports are found through ``visible_to`` (404
outside the jurisdiction); every page and action needs the right to keep the registry of the
import's organisation (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.forms import Form, apply_domain_error
from zhucan.core.jobs import recover_if_stale
from zhucan.core.uploads import safe_display_name
from zhucan.orgs.access import audit_path_for, has_capability, organisations_with_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.registry import selectors
from zhucan.registry.imports import jobs
from zhucan.registry.imports.mapping import FIELDS, LABELS, accepted_columns, ignored_columns
from zhucan.registry.imports.reading import MAX_FILE_BYTES, column_letter
from zhucan.registry.imports.template import build_template
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.people import require_registry_writer

Status = RegistryImport.Status
POLL_SECONDS = 2


def _get_import(request: AuthenticatedRequest, import_pk: int) -> RegistryImport:
    """404 outside the jurisdiction; 403 for someone who may not keep the registry there."""
    job = get_object_or_404(
        RegistryImport.objects.visible_to(request.user)
        .select_related("organisation", "created_by")
        .defer("data"),
        pk=import_pk,
    )
    try:
        require_registry_writer(request.user, job.organisation)
    except DomainError:
        raise PermissionDenied from None
    return job


class UploadForm(Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Import into the registry of"), queryset=Organisation.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "The sheet you already keep: one person per row under a header row. At most 40 MB "
            "and 200,000 rows. Old .xls files: save them as .xlsx first."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first().pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB. Split it into several files.")
                % {"max": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


@login_required
def import_template(request: AuthenticatedRequest) -> HttpResponse:
    """The empty sheet with the columns the import reads, and its notes (audited like every
    file that leaves the system)."""
    organisations = selectors.writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    content = build_template()
    audit.record_download(
        by=request.user,
        action="registry.import_template.downloaded",
        fmt="xlsx",
        org_path=audit_path_for(request.user),
        rows=0,
    )
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(True, "残疾人花名册导入模板.xlsx")
        },
    )


@login_required
def import_list(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a sheet, and the imports of the organisations the person keeps the registry of."""
    organisations = selectors.writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = UploadForm(organisations=organisations)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = jobs.upload_import(
                    by=request.user,
                    organisation=form.cleaned_data["organisation"],
                    data=bytes(upload.read()),
                    file_name=safe_display_name(upload.name or ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect("registry:import", import_pk=job.pk)
    recent = (
        RegistryImport.objects.visible_to(request.user)
        .filter(organisation__in=organisations)
        .select_related("organisation", "created_by")
        .defer("data")[:20]
    )
    return render(
        request,
        "registry/imports/list.html",
        {"form": form, "imports": recent, "accepted_columns": accepted_columns()},
    )


LOG_PAGE_SIZE = 50


@login_required
def import_log(request: HttpRequest) -> HttpResponse:
    """Every import of the organisations the person audits or keeps the registry of: who,
    when, which file, the counts and the status. Read-only, and never the file: an auditor
    sees that a sheet came in, not the people in it."""
    audited = organisations_with_capability(request.user, Capability.AUDIT).values("pk")
    kept = selectors.writable_organisations(request.user).values("pk")
    imports = (
        RegistryImport.objects.visible_to(request.user)
        .filter(Q(organisation__in=audited) | Q(organisation__in=kept))
        .select_related("organisation", "created_by")
        .defer("data", "problems", "headers", "mapping")
    )
    if not (has_capability(request.user, Capability.AUDIT) or kept.exists()):
        raise PermissionDenied
    page = Paginator(imports, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/imports/log.html",
        {"page_obj": page, "can_import": kept.exists()},
    )


class MappingForm(Form):
    """One choice per column of the sheet: which field it holds, or not imported."""

    remember = forms.BooleanField(required=False)

    def __init__(self, *args: Any, job: RegistryImport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        choices = [("", _("Not imported"))] + [(f.key, str(f.label)) for f in FIELDS]
        self.columns: list[str] = []
        for index, header in enumerate(job.headers):
            name = f"col_{index}"
            letter = column_letter(index + job.first_column)
            self.fields[name] = forms.ChoiceField(
                label=_("Column %(letter)s: %(header)s")
                % {"letter": letter, "header": header or _("(no header)")},
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
            self.columns.append(name)
        self.fields["remember"].label = _("Remember these columns for %(org)s") % {
            "org": job.organisation.name
        }
        self.order_fields([*self.columns, "remember"])

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): self.cleaned_data[name]
            for name in self.columns
            if self.cleaned_data.get(name)
        }


class ConfirmForm(Form):
    duplicates = forms.ChoiceField(
        label=gettext_lazy("People who are already registered"),
        choices=RegistryImport.Duplicates.choices,
        widget=forms.RadioSelect,
        initial=RegistryImport.Duplicates.SKIP,
    )


@login_required
def import_detail(request: AuthenticatedRequest, import_pk: int) -> HttpResponse:
    job = recover_if_stale(_get_import(request, import_pk))
    mapping_form = None
    if job.status in (Status.UPLOADED, Status.CHECKED) and job.has_file:
        mapping_form = MappingForm(job=job)
        if request.method == "POST":
            mapping_form = MappingForm(request.POST, job=job)
            if mapping_form.is_valid():
                try:
                    jobs.request_check(
                        by=request.user,
                        job=job,
                        mapping=mapping_form.mapping(),
                        remember=mapping_form.cleaned_data["remember"],
                    )
                except DomainError as error:
                    apply_domain_error(mapping_form, error)
                else:
                    return redirect("registry:import", import_pk=job.pk)
    elif request.method == "POST":
        messages.warning(request, _("This import can no longer be changed."))
        return redirect("registry:import", import_pk=job.pk)
    confirm_form = None
    if job.status == Status.CHECKED and job.has_file and job.valid_rows:
        confirm_form = ConfirmForm()
    return render(
        request,
        "registry/imports/detail.html",
        {
            "job": job,
            "mapping_form": mapping_form,
            "confirm_form": confirm_form,
            "progress": _progress(job),
            "poll_seconds": POLL_SECONDS,
            "field_labels": LABELS,
            "ignored_columns": ignored_columns(job.headers, job.mapping, job.first_column)
            if job.status != Status.UPLOADED
            else [],
        },
    )


@require_POST
@login_required
def import_confirm(request: AuthenticatedRequest, import_pk: int) -> HttpResponse:
    job = _get_import(request, import_pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with people already registered."))
        return redirect("registry:import", import_pk=job.pk)
    try:
        done_by = jobs.confirm_import(
            by=request.user,
            job=job,
            valid_only=request.POST.get("scope") == "valid",
            duplicates=form.cleaned_data["duplicates"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("registry:import", import_pk=job.pk)
    if done_by.pk != job.pk:
        messages.info(
            request,
            _("This file was already imported with the same choices: here is that import."),
        )
    return redirect("registry:import", import_pk=done_by.pk)


@require_POST
@login_required
def import_discard(request: AuthenticatedRequest, import_pk: int) -> HttpResponse:
    job = _get_import(request, import_pk)
    try:
        jobs.discard_import(by=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The uploaded file was deleted."))
    return redirect("registry:import", import_pk=job.pk)


def _progress(job: RegistryImport) -> dict[str, Any]:
    """What the progress bar and its sentence say (the page and the JSON share it)."""
    done, total = job.rows_done, job.rows_total
    percent = min(100, round(100 * done / total)) if total and done else None
    if job.status in (Status.QUEUED,) or (job.status == Status.CHECKING and not job.started_at):
        text = _("Waiting for the background worker to start…")
    elif job.status == Status.CHECKING:
        text = _("Checking: %(done)d of %(total)d rows.") % {"done": done, "total": total}
    elif job.status == Status.RUNNING:
        text = _("Importing: %(done)d of %(total)d rows.") % {"done": done, "total": total}
    else:
        text = str(job.get_status_display())
    return {
        "status": job.status,
        "busy": job.busy,
        "finished": not job.busy,
        # A job whose worker died before the page could recover it (see core.jobs).
        "discardable": (job.has_file and not job.busy) or job.is_stuck,
        "done": done,
        "total": total,
        "percent": percent,
        "text": text,
    }


@login_required
def import_progress(request: AuthenticatedRequest, import_pk: int) -> JsonResponse:
    job = recover_if_stale(_get_import(request, import_pk))
    return JsonResponse(_progress(job))
