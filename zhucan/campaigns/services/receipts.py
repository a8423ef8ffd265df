"""Receipts (签收). Reminders to those that have not signed are the completeness app's work."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import DutyAssignment, Receipt
from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability
from zhucan.stats.services.deliveries import count_delivery


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
    count_delivery(
        campaign_id=locked.campaign_id, org_path=locked.organisation.path, kind="receipt"
    )
    DutyAssignment.objects.filter(
        duty__campaign_id=locked.campaign_id,
        organisation=locked.organisation,
        status=DutyAssignment.Status.ASSIGNED,
    ).update(status=DutyAssignment.Status.ACKNOWLEDGED, acknowledged_at=locked.signed_at)
    audit.record(by=by, action="campaigns.receipt.signed", target=locked)
    return locked
