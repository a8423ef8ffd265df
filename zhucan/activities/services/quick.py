"""The quick report: a report saved, given its photo and submitted in one step from a phone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhucan.activities.models import ActivityReport, Photo
from zhucan.activities.services.photos import add_photo
from zhucan.activities.services.reports import ReportInput, save_report
from zhucan.activities.services.review import submit_report
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import Actor
from zhucan.orgs.models import Organisation


@dataclass(frozen=True)
class QuickPhoto:
    upload: UploadedFile
    caption: str = ""
    consent: bool = False
    people_recognisable: bool = True


def send_quick_report(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    data: ReportInput,
    client_id: Any,
    photo: QuickPhoto | None = None,
) -> ActivityReport:
    """Save the report, add its photo and submit it, all or nothing: a report saved but not
    submitted would wait unseen as a draft, and one submitted without its refused photo could
    no longer take it (only drafts can). Each step is its own audited service; a resend of a
    report already submitted finds it as it was and returns it."""
    added: Photo | None = None
    try:
        with transaction.atomic():
            report = save_report(
                by=by, campaign=campaign, organisation=organisation, data=data, client_id=client_id
            )
            # A resend of a report already submitted finds it no longer editable: the photo
            # came with the first send and is not added a second time.
            if photo is not None and report.is_editable:
                added = add_photo(
                    by=by,
                    report=report,
                    upload=photo.upload,
                    caption=photo.caption,
                    consent=photo.consent,
                    people_recognisable=photo.people_recognisable,
                )
            # A resend of a report already submitted: both services leave it as it is.
            return submit_report(by=by, report=report, version=report.version)
    except BaseException:
        if added is not None:
            _delete_files(added)
        raise


def _delete_files(photo: Photo) -> None:
    """The photo's row was rolled back with the report, but storage is not transactional:
    add_photo cleans up only its own failures, so a failure after it is cleaned up here."""
    for file in (photo.image, photo.thumbnail):
        if file.name:
            file.storage.delete(file.name)
