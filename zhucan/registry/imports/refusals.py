"""Rows whose ID number is registered where the importing person cannot see.

They are refused with the form's neutral answer (``cannot_register_here``): not "already
registered", not where. The refusal itself cannot be hidden (one person, one row), so a sheet of
guessed numbers would be a search box without a limit: each dry run's refusals are audited as
keyed tokens and counted with the person's searches (``services.lookups``), and rows are named
one by one only while the hourly allowance lasts; the rest are counted, not listed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.orgs.models import Organisation
from zhucan.registry.models import RegistryLookup
from zhucan.registry.services.lookups import audit_token, count_lookup, lookups_left


def record_refusals(*, by: Actor | None, organisation: Organisation, numbers: list[str]) -> int:
    """Audit and count the refused ``numbers``; how many of them may be named. With no
    ``by`` (the operator's command, or a caller that does not say) nothing is counted."""
    if by is None:
        return len(numbers)
    with transaction.atomic():
        named = min(len(numbers), lookups_left(by))
        audit.record(
            by=by,
            action="registry.import.rows_refused",
            org_path=organisation.path,
            changes={"rows": len(numbers), "tokens": [audit_token(n) for n in numbers]},
        )
        count_lookup(by=by, kind=RegistryLookup.Kind.REFUSED, count=len(numbers))
    return named


def not_listed() -> str:
    return _(
        "More rows have ID numbers that cannot be registered here than can be listed in an "
        "hour; they are counted, not listed. Ask the federation office above you to look into "
        "them."
    )
