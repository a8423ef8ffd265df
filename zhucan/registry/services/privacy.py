"""Seeing a clear value (a reveal, with a reason) and erasing a person on request (PIPL).

Both leave an audit entry that says who, when, why and which fields, and never a value.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability
from zhucan.registry import crypto
from zhucan.registry.models import Person
from zhucan.registry.services.people import require_registry_writer

# The encrypted fields a reveal may open, in the order a screen shows them.
REVEALABLE = {
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("phone"),
    "address": gettext_lazy("address"),
    "guardian_phone": gettext_lazy("guardian's phone"),
}
MIN_REASON = 4


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            _("Say why you need to see these details (at least %(n)d characters).")
            % {"n": MIN_REASON},
            field="reason",
        )
    if len(reason) > 200:
        raise DomainError(_("Keep the reason to 200 characters."), field="reason")
    return reason


@transaction.atomic
def reveal_person(*, by: Any, person: Person, reason: str, fields: list[str]) -> dict[str, str]:
    """The clear values of ``fields`` for one person, for one response; audited with the reason.

    Nothing is stored or cached: the caller shows the values once (``Cache-Control: no-store``).
    """
    if not has_capability(by, Capability.REVEAL_PERSONAL_DATA, person.organisation):
        raise DomainError(_("Your role does not allow seeing these details in full."))
    reason = _reason(reason)
    chosen = [name for name in REVEALABLE if name in fields]
    if not chosen or len(chosen) != len(set(fields)):
        raise DomainError(_("Choose which details you need to see."), field="details")
    values = {name: crypto.decrypt(getattr(person, f"{name}_ct"), field=name) for name in chosen}
    # The reason and the field names, never the values: the log must not be a copy of them.
    audit.record(
        by=by,
        action="registry.person.revealed",
        target=person,
        changes={"reason": reason, "fields": chosen},
    )
    return values


@transaction.atomic
def erase_person(*, by: Any, person: Person, reason: str) -> dict[str, int]:
    """Erase a person from the register at their request (PIPL art. 47).

    The row goes, with its ciphertexts, masks, blind index and one-child-one-plan cases. The
    help they were given stays as anonymous figures (giving organisation, campaign, kind,
    amount, date; the person and the free-text note emptied), so that totals already reported
    upward do not change. The audit entry keeps the row's number, the reason and the counts;
    the person's earlier entries never held a name or number (see ``Person.__str__``).
    """
    locked = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    require_registry_writer(by, locked.organisation)
    reason = _reason(reason)
    kept = locked.assistance.update(person=None, note="")
    cases = locked.education_cases.count()
    changes = {
        "person": locked.pk,
        "reason": reason,
        "assistance_kept_anonymous": kept,
        "education_cases_removed": cases,
    }
    audit.record(
        by=by,
        action="registry.person.erased",
        org_path=locked.org_path,
        changes=changes,
    )
    locked.delete()
    return {"assistance_kept": kept, "education_cases_removed": cases}
