"""Exact searches by ID number: audited, limited per person, and bursts told to the auditors.

A search answers "is this number on a register I can see": asked often enough, it confirms
guesses (with the birth year and county in view, a few thousand tries find a number). So every
search leaves an audit entry with a keyed token of the number (never the number, not even
masked), counts against an hourly limit kept in the database (it must hold across processes),
and a burst of searches, reveals or refused registrations by one person notifies the auditors
above them.

The token is an HMAC under a key derived from the blind-index key: equal numbers give equal
tokens (an auditor sees the same number tried again and again), but a token cannot be matched
to ``Person.id_index`` by whoever reads an exported audit log.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.notifications.services import notify
from zhucan.orgs.models import Membership
from zhucan.registry import crypto
from zhucan.registry.idnumbers import IdNumberError, parse_id_number
from zhucan.registry.models import Person, RegistryLookup
from zhucan.registry.models.people import registry_roots

Kind = RegistryLookup.Kind
_TOKEN_LABEL = b"zhucan.registry.audit-token"


class LookupLimitError(DomainError):
    """Too many exact searches in the last hour."""


def audit_token(number: str, *, ring: crypto.Keyring | None = None) -> str:
    """The audit log's keyed token of a normalised ID number (32 hex characters)."""
    ring = ring or crypto.keyring()
    key = hmac.new(ring.blind, _TOKEN_LABEL, hashlib.sha256).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:32]


def _lock(by: Actor) -> None:
    # One person's lookups one at a time: two processes cannot both take the last search.
    get_user_model().objects.select_for_update().filter(pk=by.pk).first()


def _home_path(by: Actor) -> str:
    """Where the person's lookup entries are filed, so that their auditors see them."""
    roots = registry_roots(by)
    return roots[0] if roots else ""


def _auditors(by: Actor) -> list[Any]:
    """Auditors of the organisations the person belongs to, or of any above them."""
    paths = set()
    for path in Membership.objects.filter(user=by).values_list("organisation__path", flat=True):
        parts = [p for p in path.strip("/").split("/") if p]
        paths |= {"/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))}
    if not paths:
        return []
    users = get_user_model().objects.filter(
        is_active=True,
        memberships__role=Membership.Role.AUDITOR,
        memberships__organisation__path__in=paths,
    )
    return list(users.exclude(pk=by.pk).distinct())


def _used_this_hour(by: Actor) -> int:
    """Searches and refused numbers of the last hour: both answer "is this number registered"."""
    hour_ago = timezone.now() - timedelta(hours=1)
    return RegistryLookup.objects.filter(
        user=by, kind__in=[Kind.SEARCH, Kind.REFUSED], at__gte=hour_ago
    ).count()


def lookups_left(by: Actor) -> int:
    """Searches and refused numbers ``by`` may still make this hour."""
    return max(0, settings.REGISTRY_SEARCHES_PER_HOUR - _used_this_hour(by))


def count_lookup(*, by: Actor, kind: str, count: int = 1) -> None:
    """Record ``count`` lookups of ``kind`` and alert the auditors once per burst window.

    Runs in the caller's transaction (after ``_lock`` when it is a search)."""
    now = timezone.now()
    RegistryLookup.objects.bulk_create(
        RegistryLookup(user=by, kind=kind, at=now) for _ in range(count)
    )
    since = now - timedelta(minutes=settings.REGISTRY_BURST_MINUTES)
    recent = RegistryLookup.objects.filter(user=by, at__gte=since).count()
    if recent < settings.REGISTRY_BURST_LOOKUPS:
        return
    # Once per window: no second alert while the last one is younger than the window.
    if AuditEntry.objects.filter(action="registry.lookups.burst", actor=by, at__gte=since).exists():
        return
    kinds = dict.fromkeys(Kind.values, 0)
    for value in RegistryLookup.objects.filter(user=by, at__gte=since).values_list(
        "kind", flat=True
    ):
        kinds[value] += 1
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Unusual use of the registry by %(name)s") % {
            "name": by.get_full_name() or by.get_username()
        }
        body = _(
            "%(count)d ID searches, reveals or refused registrations within %(minutes)d "
            "minutes (searches %(search)d, reveals %(reveal)d, refused %(refused)d). Check "
            "the audit log for this person."
        ) % {
            "count": recent,
            "minutes": settings.REGISTRY_BURST_MINUTES,
            **kinds,
        }
    notified = notify(users=_auditors(by), kind="registry_burst", title=title, body=body)
    audit.record(
        by=by,
        action="registry.lookups.burst",
        org_path=_home_path(by),
        changes={"user": by.pk, "lookups": recent, "kinds": kinds, "auditors_notified": notified},
    )


def find_person(*, by: Actor, raw: str) -> Person | None:
    """The person with this ID number on a register ``by`` can see, or None.

    None for a number that is not registered and for one registered out of sight alike. A
    number that does not parse is not searched (and not counted). Past the hourly limit (searches
    and refused registrations together), ``LookupLimitError``; the refusal is audited too."""
    try:
        number = parse_id_number(raw).number
    except IdNumberError:
        return None
    limit = settings.REGISTRY_SEARCHES_PER_HOUR
    with transaction.atomic():
        _lock(by)
        done = _used_this_hour(by)
        if done >= limit:
            audit.record(
                by=by,
                action="registry.person.search_refused",
                org_path=_home_path(by),
                changes={"token": audit_token(number), "searches_last_hour": done},
            )
            allowed = False
        else:
            allowed = True
            person = (
                Person.objects.visible_to(by).filter(id_index=crypto.blind_index(number)).first()
            )
            audit.record(
                by=by,
                action="registry.person.searched",
                target=person,
                org_path="" if person is not None else _home_path(by),
                changes={"token": audit_token(number), "found": person is not None},
            )
            count_lookup(by=by, kind=Kind.SEARCH)
    if not allowed:
        raise LookupLimitError(
            _(
                "You have searched by ID number %(count)d times in the last hour, the most "
                "allowed. Try again later, or search by name."
            )
            % {"count": limit},
            field="id_number",
        )
    return person
