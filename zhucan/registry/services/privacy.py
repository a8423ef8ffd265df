"""Seeing a clear value (a reveal, for a purpose) and erasing a person on request (PIPL).

Both leave an audit entry that says who, when, why and which fields, and never a value. The
audit log is append-only, so what goes into it is checked first: a reveal's purpose is chosen
from a list, and any free text (the note of "other", an erasure's reason) is refused when it
holds something like an ID or phone number, even part of one ("核对身份证410422…").
"""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability
from zhucan.registry import crypto
from zhucan.registry.models import Person
from zhucan.registry.models.lookups import RegistryLookup
from zhucan.registry.services.lookups import count_lookup
from zhucan.registry.services.people import require_registry_writer

# The encrypted fields a reveal may open, in the order a screen shows them.
REVEALABLE = {
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("phone"),
    "address": gettext_lazy("address"),
    "guardian_phone": gettext_lazy("guardian's phone"),
}
# Why a reveal is needed: the purposes the work has, and "other" with a note.
OTHER = "other"
PURPOSES = {
    "verify_identity": gettext_lazy("Verify identity to arrange help"),
    "home_visit": gettext_lazy("Contact for a home visit"),
    "correction": gettext_lazy("Correct wrong data in the record"),
    "own_request": gettext_lazy("At the person's own request"),
    OTHER: gettext_lazy("Other (say what in the note)"),
}
MIN_REASON = 4

# A date (2020-06-01, 2020年6月1日, 2020/6/1) is allowed in a reason: taken out before the check,
# so that its digits do not join into a "number". Not when digits run on either side of it
# ("139-2012-1234" is a phone, "410422-1985-03-12-0021" an ID number).
_DATE = re.compile(
    r"(?<![\dX])(?<![\dX][-/.\s])(?:19|20)\d{2}\s*[-/.年]\s*(?:0?[1-9]|1[0-2])"
    r"(?:\s*[-/.月]\s*(?:[12]\d|3[01]|0?[1-9])\s*日?)?(?!\d)(?![-/.\s]\d)"
)
# Separators a number is typed with: spaces, dashes, dots, stars of a mask.
_JOINERS = re.compile(r"(?<=[\dX])[\s\-‐‑–—_.·・*/]+(?=[\dX])")
_LONG_RUN = re.compile(r"\d[\dX]{5,}")  # six digits or more: an ID number or part of it
_CUT_RUN = re.compile(r"\d{3,}(?:\.{2,}|\*)|(?:\.{2,}|\*)\d{3,}")  # "158…", "…0021", "139*"


def holds_a_number(text: str) -> bool:
    """Whether free text holds something like an ID or phone number, or part of one.

    Full-width digits and the ellipsis are folded to ASCII first (NFKC: "４１０" → "410",
    "…" → "..."), separators between digits are closed up, dates are set aside; then any run of
    six digits or more, or of three or more cut off by an ellipsis or a star, counts.
    """
    folded = unicodedata.normalize("NFKC", text).upper()
    folded = _DATE.sub(" ", folded)
    folded = _JOINERS.sub("", folded)
    return bool(_LONG_RUN.search(folded) or _CUT_RUN.search(folded))


def _free_text(text: str, *, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and len(text) < MIN_REASON:
        raise DomainError(
            _("Say why (at least %(n)d characters).") % {"n": MIN_REASON}, field=field
        )
    if len(text) > 200:
        raise DomainError(_("Keep it to 200 characters."), field=field)
    if holds_a_number(text):
        raise DomainError(
            _(
                "Do not write an ID number, a phone number or any long number here, not even "
                "part of one: this text is kept in the audit log for years. Say what the work "
                "is instead."
            ),
            field=field,
        )
    return text


def _reason(reason: str) -> str:
    return _free_text(reason, field="reason", required=True)


def _purpose(purpose: str, note: str) -> tuple[str, str]:
    if purpose not in PURPOSES:
        raise DomainError(_("Choose why you need to see these details."), field="purpose")
    return purpose, _free_text(note, field="note", required=purpose == OTHER)


def check_purpose(purpose: str, note: str) -> tuple[str, str]:
    """The purpose and note of a reveal, checked as here: for the other apps that keep personal
    data the registry's way (help requests), so every reveal is asked for the same way."""
    return _purpose(purpose, note)


@transaction.atomic
def reveal_person(
    *, by: Actor, person: Person, purpose: str, note: str = "", fields: list[str]
) -> dict[str, str]:
    """The clear values of ``fields`` for one person, for one response; audited with the
    purpose (from ``PURPOSES``) and note, and counted towards a burst alert.

    Nothing is stored or cached: the caller shows the values once (``Cache-Control: no-store``).
    """
    if not has_capability(by, Capability.REVEAL_PERSONAL_DATA, person.organisation):
        raise DomainError(_("Your role does not allow seeing these details in full."))
    purpose, note = _purpose(purpose, note)
    chosen = [name for name in REVEALABLE if name in fields]
    if not chosen or len(chosen) != len(set(fields)):
        raise DomainError(_("Choose which details you need to see."), field="details")
    values = {name: crypto.decrypt(getattr(person, f"{name}_ct"), field=name) for name in chosen}
    # The purpose and the field names, never the values: the log must not be a copy of them.
    audit.record(
        by=by,
        action="registry.person.revealed",
        target=person,
        changes={"purpose": purpose, "note": note, "fields": chosen},
    )
    count_lookup(by=by, kind=RegistryLookup.Kind.REVEAL)
    return values


@transaction.atomic
def erase_person(*, by: Actor, person: Person, reason: str) -> dict[str, int]:
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
