"""The requester's side: looking a request up with its number and phone, and reopening it.

Both answer the same way whether the number or the phone is wrong, so that neither can be
guessed one at a time; the views limit how often an address may try.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services.deadlines import due_dates
from zhucan.helprequests.services.intake import NUMBER_PATTERN, phone_index

REOPEN_DAYS = 30


def _normal_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def find_own_request(*, number: str, phone: str) -> HelpRequest | None:
    """The request with this number, if ``phone`` is the one it was filed with; else None.
    A request set aside as spam is not found (its sender is told nothing about it)."""
    number = _normal_number(number)
    if not NUMBER_PATTERN.match(number):
        return None
    found = (
        HelpRequest.objects.filter(number=number, phone_index=phone_index(phone))
        .exclude(status=HelpRequest.Status.SPAM)
        .first()
    )
    return found


def can_reopen(request: HelpRequest) -> bool:
    if request.status != HelpRequest.Status.ANSWERED or request.answered_at is None:
        return False
    return timezone.now() - request.answered_at <= timedelta(days=REOPEN_DAYS)


def not_found_message() -> str:
    return _(
        "We found no request with this number and phone. Check both and try again; the "
        "number is on the page you saw after sending the form and in our text message."
    )


@transaction.atomic
def reopen_request(*, by: Actor | None, number: str, phone: str) -> HelpRequest:
    """The requester says the answer did not solve it: within ``REOPEN_DAYS`` days of the
    answer the request opens again, with new deadlines, for the same county."""
    found = find_own_request(number=number, phone=phone)
    if found is None:
        raise DomainError(not_found_message())
    locked = HelpRequest.objects.select_for_update().select_related("organisation").get(pk=found.pk)
    if locked.status == HelpRequest.Status.REOPENED:
        return locked
    if not can_reopen(locked):
        raise DomainError(
            _(
                "This request can be opened again only within %(days)d days of its answer. "
                "Please send a new request instead."
            )
            % {"days": REOPEN_DAYS}
        )
    now = timezone.now()
    locked.status = HelpRequest.Status.REOPENED
    locked.reopened_at = now
    locked.escalation_level = 0
    locked.acknowledge_due, locked.answer_due = due_dates(
        locked.organisation, timezone.localdate(now)
    )
    locked.version += 1
    locked.save(
        update_fields=[
            "status",
            "reopened_at",
            "escalation_level",
            "acknowledge_due",
            "answer_due",
            "version",
            "updated_at",
        ]
    )
    audit.record(
        by=by,
        action="helprequests.request.reopened",
        target=locked,
        changes={"source": "public_form"},
    )
    return locked
