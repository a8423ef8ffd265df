"""The optional phone check on the public form: a 6-digit code by text message, typed back
before the request is made (where the responsible office turned it on, ``HelpSettings``).

The code is kept only as a keyed hash next to the phone's blind index; it works for ten
minutes, five tries, once; checks a day past their end are removed as new ones are made.
Sending is limited per phone and per address with the database counters every app server
shares (``core.ratelimit``): each text message costs money and reaches a real person. The
check never locks anyone out: a requester who cannot receive text messages (deaf-blind, no
mobile phone, no signal) sends the request without it, and it goes to the spam list marked
unverified, where a coordinator reads it and restores it (``UNVERIFIED``).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.ratelimit import over_limit
from zhucan.helprequests.models import PhoneCheck
from zhucan.helprequests.services.deadlines import settings_for
from zhucan.helprequests.services.intake import clean_phone, client_index, phone_index
from zhucan.notifications.sms import send_sms
from zhucan.orgs.models import Organisation

CODE_MINUTES = 10
MAX_TRIES = 5
CODES_PER_PHONE_PER_HOUR = 3
CODES_PER_ADDRESS_PER_HOUR = 10
# The spam reason of a request sent without the code.
UNVERIFIED = "unverified_phone"
_SALT = "zhucan.helprequests.phone_check"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WRONG = "wrong"
    EXPIRED = "expired"  # too old, used, too many tries, or not this phone's


def is_required(organisation: Organisation) -> bool:
    return settings_for(organisation).verify_by_sms


def _hash(check_id: uuid.UUID, code: str) -> str:
    return salted_hmac(_SALT, f"{check_id}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def send_phone_check(*, by: Actor | None, phone: str, address: str | None) -> PhoneCheck:
    """Text a new code to ``phone``; the check to confirm it with. Refused (``DomainError``)
    past the limits per phone and per address."""
    phone = clean_phone(phone)
    index = phone_index(phone)
    too_many = over_limit(
        key=f"phonecheck:phone:{index}", limit=CODES_PER_PHONE_PER_HOUR, per_seconds=3600
    )
    if not too_many and address:
        too_many = over_limit(
            key=f"phonecheck:address:{client_index(address)}",
            limit=CODES_PER_ADDRESS_PER_HOUR,
            per_seconds=3600,
        )
    if too_many:
        raise DomainError(
            _(
                "We have sent several codes to this phone or from this place in the last hour. "
                "Wait an hour, or send your request without the code."
            )
        )
    code = f"{secrets.randbelow(10**6):06d}"
    check = PhoneCheck(
        phone_index=index, expires_at=timezone.now() + timedelta(minutes=CODE_MINUTES)
    )
    check.code_hash = _hash(check.id, code)
    check.save()
    # The ended checks go as new ones come (an indexed delete): no cron job needed.
    PhoneCheck.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    audit.record(by=by, action="helprequests.phone_check.sent", target=check)
    send_sms(
        [phone],
        _("Your code for the help request: %(code)s. It works for %(minutes)d minutes.")
        % {"code": code, "minutes": CODE_MINUTES},
    )
    return check


@transaction.atomic
def confirm_phone_check(*, check_id: uuid.UUID, phone: str, code: str) -> Outcome:
    """Try ``code`` on the check; each try counts, right or wrong, and a right code is spent."""
    check = PhoneCheck.objects.select_for_update().filter(pk=check_id).first()
    now = timezone.now()
    if (
        check is None
        or check.used_at is not None
        or check.expires_at <= now
        or check.tries >= MAX_TRIES
        or check.phone_index != phone_index(phone)
    ):
        return Outcome.EXPIRED
    check.tries += 1
    right = constant_time_compare(check.code_hash, _hash(check.id, code.strip()))
    if right:
        check.used_at = now
    check.save(update_fields=["tries", "used_at"])
    return Outcome.CONFIRMED if right else Outcome.WRONG
