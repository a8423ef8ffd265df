"""Attachments (附件) of a notice, and closing a campaign."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign, NoticeAttachment
from zhucan.campaigns.services.common import require
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.core.uploads import check_upload
from zhucan.orgs.roles import Capability

ATTACHMENT_TYPES = {".docx", ".xlsx", ".pdf", ".doc", ".xls", ".jpg", ".jpeg", ".png", ".txt"}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def add_attachment(
    *, by: Actor, campaign: Campaign, upload: Any, token: uuid.UUID | None = None
) -> NoticeAttachment:
    """Attach a checked file to the notice. ``token``: the form's; the same upload sent twice
    is attached (and stored) once."""
    require(by, Capability.COORDINATE, campaign.issuing_org)
    if campaign.status == Campaign.Status.CLOSED:
        raise DomainError(_("The campaign is closed."))
    checked = check_upload(upload, allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES)
    return create_once(
        by=by,
        token=token,
        model=NoticeAttachment,
        create=lambda: _store(by=by, campaign=campaign, upload=upload, checked=checked),
    )


def _store(*, by: Actor, campaign: Campaign, upload: Any, checked: Any) -> NoticeAttachment:
    attachment = NoticeAttachment(
        notice=campaign.notice,
        name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=by,
    )
    # If the transaction fails after this, the stored file is an orphan, never a half record.
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    audit.record(
        by=by,
        action="campaigns.attachment.added",
        target=attachment,
        changes={"name": checked.name, "size": checked.size},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, by: Actor, attachment: NoticeAttachment) -> None:
    campaign = attachment.notice.campaign
    require(by, Capability.COORDINATE, campaign.issuing_org)
    if campaign.status != Campaign.Status.DRAFT:
        raise DomainError(_("Attachments of a published notice cannot be removed."))
    audit.record(
        by=by,
        action="campaigns.attachment.removed",
        target=attachment,
        changes={"name": attachment.name},
    )
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def close_campaign(*, by: Actor, campaign: Campaign) -> Campaign:
    """Close a published campaign: nothing more is sent; what was reported stays."""
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign.pk)
    )
    require(by, Capability.COORDINATE, locked.issuing_org)
    if locked.status == Campaign.Status.CLOSED:
        return locked
    if locked.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("Only a published campaign can be closed."))
    locked.status = Campaign.Status.CLOSED
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    audit.record(by=by, action="campaigns.campaign.closed", target=locked)
    return locked
