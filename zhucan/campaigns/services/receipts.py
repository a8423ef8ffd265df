"""Receipts (签收). Reminders to those that have not signed are the completeness app's work."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import DutyAssignment, Receipt
from zhucan.campaigns.signals import first_delivered
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


@transaction.atomic
def sign_receipt(*, by: Actor, receipt: Receipt, at: datetime | None = None) -> Receipt:
    """The recipient acknowledges the notice (签收). Only people of that organisation or above.

    ``at`` records a signing that happened before it was entered (a notice signed for on paper
    or by telephone before the office used Zhucan): only the office that sent the notice may
    give it, so nobody backdates their own receipt to look on time; it can be neither in the
    future nor before the notice was sent. Left out, the signing is now."""
    locked = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign__issuing_org")
        .get(pk=receipt.pk)
    )
    if not (
        has_capability(by, Capability.REPORT, locked.organisation)
        or has_capability(by, Capability.COORDINATE, locked.organisation)
    ):
        raise DomainError(_("Only the receiving organisation can sign for this notice."))
    if locked.signed_at is not None:
        return locked
    now = timezone.now()
    if at is not None:
        if not has_capability(by, Capability.COORDINATE, locked.campaign.issuing_org):
            raise DomainError(
                _("Only the office that sent the notice can record an earlier signing.")
            )
        if at > now or (locked.sent_at and at < locked.sent_at):
            raise DomainError(
                _("A signing can be recorded only between the sending of the notice and now.")
            )
    locked.signed_at = at or now
    locked.signed_by = by
    locked.save(update_fields=["signed_at", "signed_by"])
    first_delivered.send(
        sender=Receipt,
        campaign_id=locked.campaign_id,
        org_path=locked.organisation.path,
        kind="receipt",
        at=locked.signed_at,
    )
    DutyAssignment.objects.filter(
        duty__campaign_id=locked.campaign_id,
        organisation=locked.organisation,
        status=DutyAssignment.Status.ASSIGNED,
    ).update(status=DutyAssignment.Status.ACKNOWLEDGED, acknowledged_at=locked.signed_at)
    audit.record(
        by=by,
        action="campaigns.receipt.signed",
        target=locked,
        changes={"signed_at": at.isoformat()} if at else None,
    )
    return locked
