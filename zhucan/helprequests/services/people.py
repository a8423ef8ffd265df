"""A request and the register: linking it to a registered person (exact ID match), recording
the help as the registry's assistance (帮扶), and revealing the request's personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.helprequests.models import HelpRequest
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability
from zhucan.registry import crypto
from zhucan.registry.models import Assistance, Person, RegistryLookup
from zhucan.registry.services.assistance import AssistanceInput, record_assistance
from zhucan.registry.services.lookups import count_lookup
from zhucan.registry.services.privacy import check_purpose

# The sealed fields of a request a reveal may open, in the order a screen shows them.
REVEALABLE = {
    "name": gettext_lazy("name"),
    "phone": gettext_lazy("phone"),
    "id_number": gettext_lazy("ID number"),
    "place": gettext_lazy("place"),
}
# What each kind of request is recorded as in the register.
ASSISTANCE_KIND = {
    HelpRequest.Kind.INCOME_FELL: Assistance.Kind.CASH,
    HelpRequest.Kind.NO_GUARDIAN: Assistance.Kind.SAFETY_NET,
    HelpRequest.Kind.MEDICAL: Assistance.Kind.REHABILITATION,
    HelpRequest.Kind.EMPLOYMENT: Assistance.Kind.EMPLOYMENT,
    HelpRequest.Kind.EDUCATION: Assistance.Kind.EDUCATION,
    HelpRequest.Kind.ACCESSIBILITY: Assistance.Kind.OTHER,
    HelpRequest.Kind.OTHER: Assistance.Kind.OTHER,
}


def _lock(request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=request.pk)
    )


@transaction.atomic
def link_person(*, by: Actor, request: HelpRequest) -> Person:
    """Link the request to the registered person with exactly its ID number (through the blind
    index: nothing is decrypted), among the people ``by`` may see. Audited."""
    locked = _lock(request)
    if not has_capability(by, Capability.PERSONAL_DATA, locked.organisation):
        raise DomainError(_("Your role does not allow linking requests to the register."))
    if not locked.id_index:
        raise DomainError(_("The request gives no ID number to look for."))
    person = (
        Person.objects.visible_to(by)
        .filter(id_index=locked.id_index)
        .select_related("organisation")
        .first()
    )
    if person is None:
        raise DomainError(_("Nobody with this ID number is on a register you keep."))
    if locked.person_id != person.pk:
        locked.person = person
        locked.save(update_fields=["person", "updated_at"])
        audit.record(
            by=by,
            action="helprequests.request.linked",
            target=locked,
            changes={"person": person.pk},
        )
    return person


@transaction.atomic
def record_help(
    *,
    by: Actor,
    request: HelpRequest,
    given_on: date,
    campaign: Campaign | None,
    amount: Decimal = Decimal(0),
) -> Assistance:
    """Record the help the request got as the registry's assistance to the linked person, given
    by the responsible county: coverage and the "not yet helped" list count it like any other
    (they count the campaign's rows, so name the campaign it was given in)."""
    locked = _lock(request)
    if locked.assistance_id is not None:
        # Recorded already (the form sent twice): the register keeps one row per request.
        return Assistance.objects.get(pk=locked.assistance_id)
    if locked.person_id is None:
        raise DomainError(_("Link the request to a registered person first."))
    person = Person.objects.select_related("organisation").get(pk=locked.person_id)
    row = record_assistance(
        by=by,
        person=person,
        organisation=locked.organisation,
        campaign=campaign,
        data=AssistanceInput(
            kind=ASSISTANCE_KIND[HelpRequest.Kind(locked.kind)],
            given_on=given_on,
            amount=amount,
            note=_("Help request %(number)s") % {"number": locked.number},
        ),
    )
    locked.assistance = row
    locked.save(update_fields=["assistance", "updated_at"])
    audit.record(
        by=by,
        action="helprequests.request.help_recorded",
        target=locked,
        changes={"assistance": row.pk, "campaign": campaign.pk if campaign else None},
    )
    return row


@transaction.atomic
def reveal_request(
    *, by: Actor, request: HelpRequest, purpose: str, note: str = "", fields: list[str]
) -> dict[str, str]:
    """The clear values of ``fields`` of one request, for one response; audited with the
    purpose and note exactly as ``registry.services.privacy.reveal_person`` does."""
    if not has_capability(by, Capability.REVEAL_PERSONAL_DATA, request.organisation):
        raise DomainError(_("Your role does not allow seeing these details in full."))
    purpose, note = check_purpose(purpose, note)
    chosen = [name for name in REVEALABLE if name in fields]
    if not chosen or len(chosen) != len(set(fields)):
        raise DomainError(_("Choose which details you need to see."), field="details")
    values = {
        name: crypto.decrypt(getattr(request, f"{name}_ct"), field=f"help_{name}")
        for name in chosen
    }
    audit.record(
        by=by,
        action="helprequests.request.revealed",
        target=request,
        changes={"purpose": purpose, "note": note, "fields": chosen},
    )
    count_lookup(by=by, kind=RegistryLookup.Kind.REVEAL)
    return values


def description_of(request: HelpRequest) -> str:
    """The free text, for the pages inside the jurisdiction (the views decide who sees it)."""
    return crypto.decrypt(request.description_ct, field="help_description")
