"""Adding photos to an activity report and removing them.

A photo is two files (the photo and its thumbnail) and a row. Storage is not part of the
database transaction, so the files are cleaned up by hand: a failure leaves neither a row nor
a stored file behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.activities.images import ProcessedPhoto, process_photo
from zhucan.activities.models import ActivityReport, Photo
from zhucan.activities.services.common import lock, require
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.roles import Capability

MAX_PHOTOS = 10


def _check_can_add(report: ActivityReport, count: int) -> None:
    if not report.is_editable:
        raise DomainError(
            _("Photos can be changed only while the report is a draft or has been returned.")
        )
    if count >= MAX_PHOTOS:
        raise DomainError(
            _("A report can have at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photo"
        )


def add_photo(
    *,
    by: Actor,
    report: ActivityReport,
    upload: Any,
    caption: str = "",
    consent: bool = False,
    people_recognisable: bool = True,
    public_consent: bool = False,
    token: uuid.UUID | None = None,
) -> Photo:
    """Add a photo to a draft or returned report: re-encoded without EXIF/GPS, with a thumbnail.

    Recognisable people must have agreed to be shown (``consent``). At most 10 per report.
    ``public_consent``: they (or, with nobody recognisable, the uploader) also agreed to the
    photo being published on the public site; without it the photo never leaves the offices.
    ``token``: the form's; the same upload sent twice adds the photo once.
    """
    require(by, Capability.REPORT, report.organisation)
    _check_can_add(report, report.photos.count())
    if people_recognisable and not consent:
        raise DomainError(
            _("Confirm that the people who can be recognised agreed to be shown."),
            field="consent",
        )
    # Decoding a photo takes a while: done before the transaction, so no row lock waits on it.
    processed = process_photo(upload)
    written: list[tuple[Storage, str]] = []
    try:
        return _store(
            by=by,
            report=report,
            processed=processed,
            caption=caption.strip(),
            consent=consent,
            public_consent=public_consent,
            written=written,
            token=token,
        )
    except BaseException:
        # The row was rolled back (or never made): the files must go too.
        for storage, name in written:
            storage.delete(name)
        raise


@transaction.atomic
def _store(
    *,
    by: Actor,
    report: ActivityReport,
    processed: ProcessedPhoto,
    caption: str,
    consent: bool,
    public_consent: bool,
    written: list[tuple[Storage, str]],
    token: uuid.UUID | None,
) -> Photo:
    # Checked again under the report's lock: a second phone may have added photos meanwhile.
    locked = lock(report)
    return create_once(
        by=by,
        token=token,
        model=Photo,
        create=lambda: _create(
            by=by,
            report=locked,
            processed=processed,
            caption=caption,
            consent=consent,
            public_consent=public_consent,
            written=written,
        ),
    )


def _create(
    *,
    by: Actor,
    report: ActivityReport,
    processed: ProcessedPhoto,
    caption: str,
    consent: bool,
    public_consent: bool,
    written: list[tuple[Storage, str]],
) -> Photo:
    locked = report
    _check_can_add(locked, locked.photos.count())
    photo = Photo(
        report=locked,
        caption=caption,
        consent=consent,
        public_consent=public_consent,
        uploaded_by=by,
    )
    for field, content in ((photo.image, processed.image), (photo.thumbnail, processed.thumbnail)):
        field.save("photo.jpg", ContentFile(content), save=False)
        written.append((field.storage, field.name or ""))
    # Saving the image field reads its size back from storage; these are the same numbers.
    photo.width, photo.height = processed.width, processed.height
    photo.save()
    audit.record(
        by=by,
        action="activities.photo.added",
        target=photo,
        changes={
            "report": locked.pk,
            "caption": caption,
            "consent": consent,
            "public_consent": public_consent,
        },
    )
    return photo


@transaction.atomic
def remove_photo(*, by: Actor, photo: Photo) -> None:
    """Remove a photo of a draft or returned report; its files go once the removal commits."""
    report = lock(photo.report)
    require(by, Capability.REPORT, report.organisation)
    if not report.is_editable:
        raise DomainError(
            _("Photos can be changed only while the report is a draft or has been returned.")
        )
    audit.record(
        by=by,
        action="activities.photo.removed",
        target=photo,
        changes={"report": report.pk, "caption": photo.caption},
    )
    files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f.name]
    photo.delete()
    transaction.on_commit(_delete_files(files))


@transaction.atomic
def record_photo_public_consent(*, photo: Photo, by: Actor, consent: bool, note: str) -> Photo:
    """Record that the people shown agreed to the photo being published, or withdrew it.

    Consent often comes after the upload (a family agrees a week later) and concerns the
    people, not the report's content: so it may be recorded whatever the report's status, by
    those who may add and remove the report's photos (``REPORT`` at its organisation or above,
    which includes the coordinators of the office that adopts it as typical). ``note`` says how
    consent was obtained; it is required when giving consent and kept in the audit entry.
    Withdrawing takes the photo off the public site at once (``portal/receivers.py``).
    Recording the state the photo is already in changes nothing and writes no entry.
    """
    locked = (
        Photo.objects.select_for_update(of=("self",))
        .select_related("report__organisation")
        .get(pk=photo.pk)
    )
    report = locked.report
    require(by, Capability.REPORT, report.organisation)
    note = note.strip()
    if consent and not note:
        raise DomainError(
            _("Say how the people shown agreed to publication, and when."), field="note"
        )
    if locked.public_consent == consent:
        return locked
    locked.public_consent = consent
    locked.save(update_fields=["public_consent"])
    audit.record(
        by=by,
        action="activities.photo.public_consent_given"
        if consent
        else "activities.photo.public_consent_withdrawn",
        target=locked,
        changes={
            "report": report.pk,
            "public_consent": [not consent, consent],
            "note": note,
        },
    )
    return locked


def _delete_files(files: list[tuple[Storage, str]]) -> Callable[[], None]:
    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    return delete
