"""Recording help given to registered people (帮扶), on their page or from a household visit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.activities.models import Visit
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.registry.models import Assistance, Person
from zhucan.registry.services.people import require_registry_writer


@dataclass(frozen=True)
class AssistanceInput:
    kind: str
    given_on: date
    amount: Decimal = Decimal(0)
    note: str = ""


def _check(data: AssistanceInput) -> None:
    if data.kind not in Assistance.Kind.values:
        raise DomainError(_("Choose the kind of help from the list."), field="kind")
    if data.amount < 0:
        raise DomainError(_("An amount cannot be negative."), field="amount")
    if len(data.note) > 200:
        raise DomainError(_("Keep the note to 200 characters."), field="note")


def _audit(by: Actor, row: Assistance, person: Person) -> None:
    row.person = person  # the audit entry is filed under the person's organisation
    audit.record(
        by=by,
        action="registry.assistance.recorded",
        target=row,
        changes={
            "person": person.pk,
            "kind": row.kind,
            "amount": row.amount,
            "campaign": row.campaign_id,
            "visit": row.visit_id,
        },
    )


@transaction.atomic
def record_assistance(
    *,
    by: Actor,
    person: Person,
    organisation: Organisation,
    campaign: Campaign | None,
    data: AssistanceInput,
    token: uuid.UUID | None = None,
) -> Assistance:
    """One piece of help given to ``person`` by ``organisation``, in ``campaign`` if any.
    ``token``: the form's; the form sent twice records the help once (coverage counts rows)."""
    require_registry_writer(by, person.organisation)
    if not has_capability(by, Capability.REPORT, organisation):
        raise DomainError(
            _("You cannot record help given by %(org)s.") % {"org": organisation.name},
            field="organisation",
        )
    _check(data)

    def create() -> Assistance:
        row = Assistance.objects.create(
            person=person,
            organisation=organisation,
            campaign=campaign,
            kind=data.kind,
            amount=data.amount,
            given_on=data.given_on,
            note=data.note.strip(),
            created_by=by,
        )
        _audit(by, row, person)
        return row

    return create_once(by=by, token=token, model=Assistance, create=create)


@transaction.atomic
def record_visit_people(
    *, by: Actor, visit: Visit, people: list[Person], data: AssistanceInput
) -> list[Assistance]:
    """Name the registered people a household visit reached: one Assistance row each, linked
    to the visit, its report and campaign, given by the reporting organisation.

    Someone already named for this visit is skipped, so a form sent twice records nobody twice.
    Every person must be on a register the user keeps.
    """
    if visit.kind != Visit.Kind.HOUSEHOLD:
        raise DomainError(_("Only a visit to families names the people visited."))
    # The visit's row lock makes two sends of the same names queue, so the second sees the
    # first's rows and skips them (without it both would find nobody named yet).
    Visit.objects.select_for_update().only("pk").get(pk=visit.pk)
    report = visit.report
    require_registry_writer(by, report.organisation)
    if not people:
        raise DomainError(_("Choose at least one person."), field="people")
    _check(data)
    for person in people:
        require_registry_writer(by, person.organisation)
    already = set(
        Assistance.objects.filter(visit=visit, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    created = []
    for person in people:
        if person.pk in already:
            continue
        row = Assistance.objects.create(
            person=person,
            organisation=report.organisation,
            campaign=report.campaign,
            report=report,
            visit=visit,
            kind=data.kind,
            amount=data.amount,
            given_on=data.given_on,
            note=data.note.strip(),
            created_by=by,
        )
        _audit(by, row, person)
        created.append(row)
    return created
