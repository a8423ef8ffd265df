"""Receipts (签收) and reminders to the recipients that have not signed."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import (
    Campaign,
    DutyAssignment,
    Receipt,
    Reminder,
)
from zhucan.campaigns.services.common import require
from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


@transaction.atomic
def sign_receipt(*, by: Any, receipt: Receipt) -> Receipt:
    """The recipient acknowledges the notice (签收). Only people of that organisation or above."""
    locked = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=receipt.pk)
    )
    if not (
        has_capability(by, Capability.REPORT, locked.organisation)
        or has_capability(by, Capability.COORDINATE, locked.organisation)
    ):
        raise DomainError(_("Only the receiving organisation can sign for this notice."))
    if locked.signed_at is not None:
        return locked
    locked.signed_at = timezone.now()
    locked.signed_by = by
    locked.save(update_fields=["signed_at", "signed_by"])
    DutyAssignment.objects.filter(
        duty__campaign_id=locked.campaign_id,
        organisation=locked.organisation,
        status=DutyAssignment.Status.ASSIGNED,
    ).update(status=DutyAssignment.Status.ACKNOWLEDGED, acknowledged_at=locked.signed_at)
    audit.record(by=by, action="campaigns.receipt.signed", target=locked)
    return locked


def _remind(receipt: Receipt, *, key: str, by: Any) -> bool:
    """Record one reminder; False when that reminder was already sent (the key is unique)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(receipt=receipt, key=key, sent_by=by)
    except IntegrityError:
        return False
    Receipt.objects.filter(pk=receipt.pk).update(
        last_reminded_at=timezone.now(), reminder_count=receipt.reminder_count + 1
    )
    from zhucan.campaigns.notifications import notify_receipt_reminder

    transaction.on_commit(lambda: notify_receipt_reminder(receipt.pk))
    return True


@transaction.atomic
def remind_unsigned(*, by: Any, campaign: Campaign) -> int:
    """Remind every recipient that has not signed yet. Returns how many were reminded."""
    require(by, Capability.COORDINATE, campaign.issuing_org)
    key = f"manual:{timezone.now():%Y%m%d%H%M}"  # one click a minute, however many requests
    sent = sum(
        _remind(receipt, key=key, by=by)
        for receipt in campaign.receipts.filter(signed_at__isnull=True)
    )
    audit.record(
        by=by, action="campaigns.receipts.reminded", target=campaign, changes={"sent": sent}
    )
    return sent


@transaction.atomic
def send_receipt_reminders_for(*, campaign: Campaign) -> int:
    """The automatic reminder before the first deadline: each unsigned recipient, only once."""
    from zhucan.campaigns.tasks import first_deadline

    if campaign.status != Campaign.Status.PUBLISHED:
        return 0
    deadline = first_deadline(campaign)
    key = f"auto:before:{deadline.isoformat() if deadline else 'none'}"
    sent = sum(
        _remind(receipt, key=key, by=None)
        for receipt in campaign.receipts.filter(signed_at__isnull=True)
    )
    if sent:
        audit.record(
            by=None,
            action="campaigns.receipts.auto_reminded",
            target=campaign,
            changes={"sent": sent},
        )
    return sent
