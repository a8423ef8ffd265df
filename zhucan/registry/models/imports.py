"""Excel imports into the registry: the saved column mapping and the import job.

A ``RegistryImport`` holds the uploaded workbook in ``data`` only as long as the job needs it:
the sheet is full of personal data (ID numbers, phones, addresses), so the bytes are encrypted
with the registry's field key (``crypto.encrypt_bytes``: a stolen backup shows no ID number)
and emptied as soon as the import is done, fails, is discarded by the person, is given up on
after its worker died (``core.jobs``), or is left unconfirmed for ``KEEP_UPLOAD`` (a delayed
task, see ``registry.imports.jobs``). What stays is the digest,
the counts and the list of problems (row, column, reason), which name no cell's content
beyond what a reason quotes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.core.jobs import LeasedJob
from zhucan.orgs.models import Organisation, jurisdiction_q

KEEP_UPLOAD = timedelta(hours=24)


class ImportMapping(models.Model):
    """How one organisation's sheets name their columns: header text → registry field."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="registry_import_mapping"
    )
    # {normalised header text: field name, or "" for a column that is not imported}
    columns = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registry import column mapping")
        verbose_name_plural = _("registry import column mappings")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path


class RegistryImportQuerySet(models.QuerySet["RegistryImport"]):
    def visible_to(self, user: Any) -> RegistryImportQuerySet:
        """Imports for organisations in the user's jurisdiction."""
        condition = jurisdiction_q(user, "organisation__path")
        return self.none() if condition is None else self.filter(condition)


class RegistryImport(LeasedJob):
    """One uploaded sheet, from its dry run to its import.

    ``import_key`` is the digest of (organisation, file digest, mapping, options), set when the
    person confirms: while a job with that key waits, runs or is done, the same import sent
    again (a double click, a second tab, the command run twice) is that job, not a second one.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for the column mapping")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Waiting to import")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed, nothing saved")
        DISCARDED = "discarded", _("Discarded, file deleted")

    class Duplicates(models.TextChoices):
        MERGE = "merge", _("Update the registered person with the sheet's values")
        SKIP = "skip", _("Skip the row, keep the registered person as they are")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    digest = models.CharField(_("file digest (SHA-256)"), max_length=64)
    # The workbook, encrypted, emptied when the job no longer needs it (see the module
    # docstring).
    data = models.BinaryField(editable=False, default=b"")
    size = models.PositiveIntegerField(_("bytes kept"), default=0)  # 0 once the file is gone
    headers = models.JSONField(default=list, blank=True)  # the header row as read
    first_column = models.PositiveSmallIntegerField(default=0)  # of the headers; A is 0
    mapping = models.JSONField(default=dict, blank=True)  # {"0": "name", "3": "id_number", …}
    valid_only = models.BooleanField(_("only the valid rows"), default=False)
    duplicates = models.CharField(
        _("people already registered"),
        max_length=5,
        choices=Duplicates.choices,
        default=Duplicates.SKIP,
    )
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    registered_rows = models.PositiveIntegerField(_("rows already registered"), default=0)
    created = models.PositiveIntegerField(_("people added"), default=0)
    updated = models.PositiveIntegerField(_("people updated"), default=0)
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    # [{"row": 5, "column": "B", "header": "身份证号", "message": "…"}], the first MAX_LISTED
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RegistryImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="registry_import_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.digest[:12]} ({self.get_status_display()})"

    @property
    def audit_org_path(self) -> str:
        return self.organisation.path

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def has_file(self) -> bool:
        return self.size > 0
