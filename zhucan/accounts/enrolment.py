"""One-time enrolment codes: the first authenticator app of someone who must use one is set up
only with a code an administrator issued, so a stolen password alone cannot enrol a phone."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from zhucan.accounts import twofactor
from zhucan.accounts.auditing import record_for_person
from zhucan.accounts.models import EnrolmentCode, User
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import requires_second_factor

CODE_DIGITS = 12
# The code accepted in this session (its id), until the authenticator app is confirmed.
ENROLMENT_SESSION = "zhucan_enrolment_code"
# Set when the person reset their own app in a session verified by it: they proved both
# factors, so setting up the new phone in that session needs no code from anyone.
OWN_RESET_SESSION = "zhucan_enrolment_after_own_reset"


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def readable(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone cannot be searched for the code.
    return salted_hmac("zhucan.accounts.enrolment", normalise(code), algorithm="sha256").hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=int(settings.ENROLMENT_CODE_HOURS))


def code_required(user: Any) -> bool:
    """Whether setting up an authenticator app needs an enrolment code: for those whose role
    must use a second factor and who have none yet (the first enrolment, or after a reset)."""
    return (
        bool(settings.REQUIRE_2FA)
        and requires_second_factor(user)
        and not twofactor.has_confirmed_totp(user)
    )


def find_usable_code(*, user: User, code: str) -> EnrolmentCode | None:
    """The person's unused, unexpired code matching ``code``, if any."""
    wanted = code_hash(code)
    if len(normalise(code)) != CODE_DIGITS:
        return None
    for candidate in EnrolmentCode.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ):
        if constant_time_compare(candidate.code_hash, wanted):
            return candidate
    return None


def still_usable(*, user: User, code_id: Any) -> bool:
    """Whether the code accepted earlier in a session can still be spent (not used elsewhere,
    replaced by a newer one or expired in the meantime)."""
    if not isinstance(code_id, int):
        return False
    issued = EnrolmentCode.objects.filter(user=user, pk=code_id).first()
    return issued is not None and issued.is_usable()


def revoke_open_codes(*, user: User, now: Any) -> int:
    """Earlier codes stop working when a new one is issued: only the latest one is valid."""
    return EnrolmentCode.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=now
    ).update(revoked_at=now)


@transaction.atomic
def issue_enrolment_code(*, by: Actor | None, user: User) -> str:
    """Issue a new one-time code for ``user`` and return it in clear, to be shown once.

    Permission (people management over every organisation of ``user``) is the caller's to
    check: the people pages and the ``issue_enrolment_code`` command.
    """
    if not user.is_active:
        raise DomainError(_("This account is disabled: enable it before issuing a code."))
    now = timezone.now()
    revoked = revoke_open_codes(user=user, now=now)
    code = "".join(str(secrets.randbelow(10)) for _i in range(CODE_DIGITS))
    issued = EnrolmentCode.objects.create(
        user=user,
        code_hash=code_hash(code),
        issued_by=by if getattr(by, "is_authenticated", False) else None,
        issued_at=now,
        expires_at=now + lifetime(),
    )
    record_for_person(
        by=by,
        action="accounts.enrolment_code.issued",
        person=user,
        changes={"code": issued.pk, "expires_at": issued.expires_at, "revoked_earlier": revoked},
    )
    return code


@transaction.atomic
def use_enrolment_code(*, user: User, code_id: int | None) -> EnrolmentCode:
    """Spend the code accepted earlier in this session, as the authenticator is confirmed.

    Locked and checked again: two sessions holding the same code cannot both enrol a phone.
    """
    issued = (
        EnrolmentCode.objects.select_for_update().filter(user=user, pk=code_id).first()
        if code_id
        else None
    )
    if issued is None or not issued.is_usable():
        raise DomainError(
            _(
                "Your enrolment code is no longer valid (used, replaced or expired). Ask your "
                "administrator for a new one."
            )
        )
    issued.used_at = timezone.now()
    issued.save(update_fields=["used_at"])
    record_for_person(
        by=user, action="accounts.enrolment_code.used", person=user, changes={"code": issued.pk}
    )
    return issued
