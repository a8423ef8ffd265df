"""Writing a plan: start it for an organisation that received the notice, then edit it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.uploads import check_upload
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.plans.models import Plan, PlannedActivity, VenueAccess
from zhucan.plans.services.common import ActivityInput, require
from zhucan.plans.versions import ACTIVITY_FIELDS
from zhucan.plans.workflow import PLAN_REVIEW

DOCUMENT_TYPES = {".docx"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def create_plan(*, by: Actor, campaign: Campaign, organisation: Organisation) -> Plan:
    """Start the (one) plan of ``organisation`` for a campaign it received."""
    require(by, Capability.REPORT, organisation)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("Plans can only be written for a published, open campaign."))
    if not Receipt.objects.filter(campaign=campaign, organisation=organisation).exists():
        raise DomainError(_("%(org)s did not receive this notice.") % {"org": organisation.name})
    try:
        # The savepoint keeps the outer transaction usable when a second click loses the race.
        with transaction.atomic():
            plan = Plan.objects.create(campaign=campaign, organisation=organisation, created_by=by)
    except IntegrityError:
        raise DomainError(
            _("%(org)s already has a plan for this campaign.") % {"org": organisation.name}
        ) from None
    audit.record(by=by, action="plans.plan.created", target=plan, changes={"campaign": campaign.pk})
    return plan


def _check_activities(plan: Plan, activities: Sequence[ActivityInput], existing: set[int]) -> None:
    """Refuse the whole edit on the first bad row, before anything is written."""
    for number, row in enumerate(activities, start=1):
        label = _("Activity %(n)d") % {"n": number}
        if row.id is not None and row.id not in existing:
            raise DomainError(
                _("%(activity)s was not found in this plan. Reload the page.") % {"activity": label}
            )
        if not row.title.strip() or not row.person_responsible.strip():
            raise DomainError(
                _("%(activity)s needs a title and a person responsible.") % {"activity": label}
            )
        if row.end_date < row.start_date:
            raise DomainError(
                _("%(activity)s: the end date is before the start date.") % {"activity": label}
            )
        if row.duty is not None and row.duty.campaign_id != plan.campaign_id:
            raise DomainError(
                _(
                    "%(activity)s: duty %(number)d belongs to another campaign. "
                    "Choose one of the duties of this notice."
                )
                % {"activity": label, "number": row.duty.number}
            )
        if row.category not in PlannedActivity.Category.values:
            raise DomainError(_("%(activity)s: choose a category.") % {"activity": label})
        if row.mode not in PlannedActivity.Mode.values:
            raise DomainError(_("%(activity)s: choose online or in person.") % {"activity": label})
        if row.online_link and not row.online_link.startswith(("https://", "http://")):
            raise DomainError(
                _("%(activity)s: the online link must begin with https:// or http://.")
                % {"activity": label}
            )
        if row.venue_access not in VenueAccess.values:
            raise DomainError(
                _("%(activity)s: choose how accessible the venue is.") % {"activity": label}
            )
        if row.expected_attendance < 0:
            raise DomainError(
                _("%(activity)s: the expected attendance cannot be negative.") % {"activity": label}
            )


def _save_activities(plan: Plan, activities: Sequence[ActivityInput]) -> dict[str, int]:
    """Update rows in place (their ids are what the reviewer's diff matches on)."""
    current = {a.pk: a for a in plan.activities.all()}
    kept = {row.id for row in activities if row.id is not None}
    removed = [pk for pk in current if pk not in kept]
    PlannedActivity.objects.filter(pk__in=removed).delete()
    added = changed = 0
    for position, row in enumerate(activities):
        values = {name: getattr(row, name) for name in ACTIVITY_FIELDS} | {"position": position}
        if row.id is None:
            PlannedActivity.objects.create(plan=plan, **values)
            added += 1
            continue
        activity = current[row.id]
        fields = [name for name, value in values.items() if getattr(activity, name) != value]
        if fields:
            for name in fields:
                setattr(activity, name, values[name])
            activity.save(update_fields=fields)
            changed += 1 if fields != ["position"] else 0
    return {"added": added, "removed": len(removed), "changed": changed}


@transaction.atomic
def update_plan(
    *,
    by: Actor,
    plan: Plan,
    version: int,
    aims: str,
    leadership: str,
    publicity: str,
    safeguards: str,
    activities: Sequence[ActivityInput],
    document: Any = None,
    remove_document: bool = False,
) -> Plan:
    """Save the author's edit of a draft or returned plan. ``version`` detects another tab."""
    locked = PLAN_REVIEW.lock(plan)
    require(by, Capability.REPORT, locked.organisation)
    if locked.status == Plan.Status.SUBMITTED:
        raise DomainError(
            _("The plan has been submitted. It can be changed again if the reviewer returns it.")
        )
    if locked.status == Plan.Status.APPROVED:
        raise DomainError(_("The plan has been approved and can no longer be changed."))
    PLAN_REVIEW.check_version(locked, version)
    existing = set(locked.activities.values_list("pk", flat=True))
    _check_activities(locked, activities, existing)
    checked = (
        check_upload(document, allowed=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES)
        if document is not None
        else None
    )
    changes: dict[str, Any] = audit.diff(
        locked,
        {"aims": aims, "leadership": leadership, "publicity": publicity, "safeguards": safeguards},
    )
    fields = ["version", *changes]
    old_file, old_name = (locked.document.name or ""), locked.document_name
    if checked is not None:
        # If the transaction fails after this, the stored file is an orphan, never a half record.
        locked.document.save(checked.name, document, save=False)
        locked.document_name = checked.name
        changes["document"] = [old_name, checked.name]
    elif remove_document and old_file:
        changes["document"] = [old_name, ""]
        locked.document = ""
        locked.document_name = ""
    if "document" in changes:
        fields += ["document", "document_name"]
        if old_file:
            storage = locked.document.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    changes["activities"] = _save_activities(locked, activities)
    locked.version += 1
    locked.save(update_fields=[*fields, "updated_at"])
    audit.record(by=by, action="plans.plan.changed", target=locked, changes=changes)
    return locked
