"""Each organisation's deadlines for the requests it is responsible for (``HelpSettings``)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.workdays import add_working_days
from zhucan.helprequests.models import HelpSettings
from zhucan.orgs.access import require_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability

MAX_DAYS = 60


def settings_for(organisation: Organisation) -> HelpSettings:
    """The organisation's deadlines, or the defaults (unsaved) when it has set none."""
    found = HelpSettings.objects.filter(organisation=organisation).first()
    return found or HelpSettings(organisation=organisation)


def due_dates(organisation: Organisation, received: date) -> tuple[date, date]:
    """When a request received on ``received`` must be acknowledged and answered by."""
    chosen = settings_for(organisation)
    return (
        add_working_days(received, chosen.acknowledge_days),
        add_working_days(received, chosen.answer_days),
    )


@transaction.atomic
def update_deadlines(
    *,
    by: Actor,
    organisation: Organisation,
    acknowledge_days: int,
    answer_days: int,
    version: int,
    verify_by_sms: bool | None = None,
) -> HelpSettings:
    """Set how many working days ``organisation`` gives itself; applies to requests received
    from now on (those already received keep the dates they were given). ``verify_by_sms``:
    whether the public form checks the phone by a text message code (None: unchanged)."""
    require_capability(by, Capability.COORDINATE, organisation)
    if not 1 <= acknowledge_days <= MAX_DAYS:
        raise DomainError(
            _("Give between 1 and %(n)d working days.") % {"n": MAX_DAYS}, field="acknowledge_days"
        )
    if not 1 <= answer_days <= MAX_DAYS:
        raise DomainError(
            _("Give between 1 and %(n)d working days.") % {"n": MAX_DAYS}, field="answer_days"
        )
    if answer_days < acknowledge_days:
        raise DomainError(
            _("The answer cannot be due before the acknowledgement."), field="answer_days"
        )
    row, _created = HelpSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    if row.version != version:
        raise DomainError(
            _("Someone else changed these deadlines while you had them open. Reload the page.")
        )
    values: dict[str, object] = {"acknowledge_days": acknowledge_days, "answer_days": answer_days}
    if verify_by_sms is not None:
        values["verify_by_sms"] = verify_by_sms
    changes = audit.diff(row, values)
    if changes:
        row.version += 1
        row.save(update_fields=[*values, "version", "updated_at"])
        audit.record(by=by, action="helprequests.deadlines.changed", target=row, changes=changes)
    return row
