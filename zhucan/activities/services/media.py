"""Media coverage (宣传报道) of the campaign's activities.

A screenshot goes through the photos' pipeline (``images.process_photo``: checked by content,
re-encoded without EXIF or GPS, decompression bombs refused). Storage is not part of the
transaction, so as for photos a failure deletes the files it wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.activities.images import ProcessedPhoto, process_photo
from zhucan.activities.models import ActivityReport, MediaReport
from zhucan.activities.services.common import require
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability

# Only web links: a javascript: or data: link would run in the reader's browser.
_WEB_LINK = URLValidator(schemes=["http", "https"])


def _clean_text(value: str, *, field: str, missing: str, max_length: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters, please.") % {"n": max_length}, field=field)
    return value


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        _WEB_LINK(url)
    except ValidationError:
        raise DomainError(
            _("Enter a web link that starts with http:// or https://."), field="url"
        ) from None
    if len(url) > 500:
        raise DomainError(_("The link can be at most 500 characters."), field="url")
    return url


def add_media_report(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    outlet: str,
    kind: str,
    date: date,
    title: str,
    url: str = "",
    activities: Sequence[ActivityReport] = (),
    screenshot: Any = None,
    token: uuid.UUID | None = None,
) -> MediaReport:
    """Record a piece of coverage of the organisation's work for a campaign it received, with
    an optional screenshot (an uploaded image; refused with a message when it is not one).
    ``token``: the form's, so that the form sent twice records the coverage once."""
    require(by, Capability.REPORT, organisation)
    processed = None
    if screenshot is not None:
        # Decoding takes a while: before the transaction, as for photos.
        try:
            processed = process_photo(screenshot)
        except DomainError as error:
            raise DomainError(error.message, field="screenshot") from None
    written: list[tuple[Storage, str]] = []
    try:
        return _add(
            by=by,
            campaign=campaign,
            organisation=organisation,
            outlet=outlet,
            kind=kind,
            date=date,
            title=title,
            url=url,
            activities=activities,
            processed=processed,
            written=written,
            token=token,
        )
    except BaseException:
        # The row was rolled back (or never made): the files must go too.
        for storage, name in written:
            storage.delete(name)
        raise


@transaction.atomic
def _add(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    outlet: str,
    kind: str,
    date: date,
    title: str,
    url: str,
    activities: Sequence[ActivityReport],
    processed: ProcessedPhoto | None,
    written: list[tuple[Storage, str]],
    token: uuid.UUID | None,
) -> MediaReport:
    # Claimed before any file is written: a second send waits here, then gets the first's.
    return create_once(
        by=by,
        token=token,
        model=MediaReport,
        create=lambda: _create(
            by=by,
            campaign=campaign,
            organisation=organisation,
            outlet=outlet,
            kind=kind,
            date=date,
            title=title,
            url=url,
            activities=activities,
            processed=processed,
            written=written,
        ),
    )


def _create(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    outlet: str,
    kind: str,
    date: date,
    title: str,
    url: str,
    activities: Sequence[ActivityReport],
    processed: ProcessedPhoto | None,
    written: list[tuple[Storage, str]],
) -> MediaReport:
    if not Receipt.objects.filter(campaign=campaign, organisation=organisation).exists():
        raise DomainError(_("%(org)s did not receive this notice.") % {"org": organisation.name})
    outlet = _clean_text(
        outlet,
        field="outlet",
        missing=_("Name the outlet (newspaper, channel, account)."),
        max_length=100,
    )
    title = _clean_text(
        title, field="title", missing=_("Give the title of the report."), max_length=200
    )
    if kind not in MediaReport.Kind.values:
        raise DomainError(_("Choose the type of media."), field="kind")
    url = _clean_url(url)
    for activity in activities:
        if activity.organisation_id != organisation.pk or activity.campaign_id != campaign.pk:
            raise DomainError(
                _("“%(title)s” is not an activity of %(org)s for this campaign.")
                % {"title": activity.title, "org": organisation.name},
                field="activities",
            )
    media = MediaReport(
        campaign=campaign,
        organisation=organisation,
        outlet=outlet,
        kind=kind,
        date=date,
        title=title,
        url=url,
        created_by=by,
    )
    if processed is not None:
        for field, content in (
            (media.screenshot, processed.image),
            (media.screenshot_thumbnail, processed.thumbnail),
        ):
            field.save("screenshot.jpg", ContentFile(content), save=False)
            written.append((field.storage, field.name or ""))
        media.screenshot_width, media.screenshot_height = processed.width, processed.height
    media.save()
    media.activities.set(activities)
    audit.record(
        by=by,
        action="activities.media.added",
        target=media,
        changes={
            "title": title,
            "url": url,
            "activities": [a.pk for a in activities],
            "screenshot": processed is not None,
        },
    )
    return media
