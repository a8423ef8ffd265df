"""The work inside on a request: acknowledged, assigned, answered, transferred, set aside.

Each step checks the state through ``core.workflow`` (row lock, version, audit entry) and the
acting person's right over the responsible county (``may_*``); the requester is told by SMS
when the answer is written.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import audit, workflow
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services.deadlines import due_dates
from zhucan.helprequests.services.intake import RESPONSIBLE_KINDS
from zhucan.notifications.services import notify
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability
from zhucan.registry import crypto
from zhucan.registry.services.privacy import holds_a_number

Status = HelpRequest.Status
OPEN = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.REOPENED}
MAX_OUTCOME = 1000


def may_coordinate(by: Actor, request: HelpRequest) -> None:
    """The responsible county's coordinators (and the offices above it) run the request."""
    if not has_capability(by, Capability.COORDINATE, request.organisation):
        raise DomainError(_("Only the responsible office's coordinators can do this."))


def may_answer(by: Actor, request: HelpRequest) -> None:
    """The county's coordinators, or the township office or department it is assigned to."""
    if has_capability(by, Capability.COORDINATE, request.organisation):
        return
    assignee = request.assigned_to
    if assignee is not None and has_capability(by, Capability.REPORT, assignee):
        return
    raise DomainError(_("Only the office handling this request can answer it."))


HANDLING = workflow.Workflow(
    model=HelpRequest,
    related=("organisation", "assigned_to"),
    stale=gettext_lazy(
        "Someone else changed this request while you had it open. Reload the page to see "
        "what they did, then try again."
    ),
    transitions={
        "acknowledge": workflow.Transition(
            sources={Status.RECEIVED, Status.REOPENED},
            target=Status.ACKNOWLEDGED,
            repeats={Status.ACKNOWLEDGED},
            may=may_coordinate,
            action="helprequests.request.acknowledged",
            stamp="acknowledged",
        ),
        "assign": workflow.Transition(
            sources=OPEN,
            target=Status.ASSIGNED,
            may=may_coordinate,
            action="helprequests.request.assigned",
            stamp="assigned",
        ),
        "answer": workflow.Transition(
            sources=OPEN,
            target=Status.ANSWERED,
            may=may_answer,
            action="helprequests.request.answered",
            stamp="answered",
        ),
        "mark_spam": workflow.Transition(
            sources=OPEN,
            target=Status.SPAM,
            repeats={Status.SPAM},
            may=may_coordinate,
            action="helprequests.request.marked_spam",
        ),
        "restore": workflow.Transition(
            sources={Status.SPAM},
            target=Status.RECEIVED,
            may=may_coordinate,
            action="helprequests.request.restored",
        ),
    },
)


@transaction.atomic
def acknowledge_request(*, by: Actor, request: HelpRequest, version: int) -> HelpRequest:
    """Say the request has been seen and will be worked on."""
    step = HANDLING.begin("acknowledge", request, by=by, version=version)
    if step.done:
        return step.obj
    return step.finish()


def assignable(request: HelpRequest) -> Any:
    """Where a request can go inside its county: the county's township offices and member
    departments (active, below it)."""
    county: Any = request.organisation
    return (
        Organisation.objects.filter(path__startswith=county.path, is_active=True)
        .exclude(pk=county.pk)
        .in_order()
    )


@transaction.atomic
def assign_request(
    *, by: Actor, request: HelpRequest, to: Organisation, version: int
) -> HelpRequest:
    """Give the request to a township office or member department inside the county; it is
    acknowledged at the same time if it was not yet."""
    step = HANDLING.begin("assign", request, by=by, version=version)
    locked = step.obj
    if not assignable(locked).filter(pk=to.pk).exists():
        raise DomainError(
            _("Choose a township office or a department inside %(org)s.")
            % {"org": locked.organisation.name},
            field="to",
        )
    locked.assigned_to = to
    fields = ["assigned_to"]
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = step.at, by
        fields += ["acknowledged_at", "acknowledged_by"]
    return step.finish(fields=fields, changes={"assigned_to": to.pk})


def check_outcome(outcome: str) -> str:
    outcome = (outcome or "").strip()
    # Two characters at least: "已办" says something in Chinese; one character does not.
    if len(outcome) < 2:
        raise DomainError(
            _("Write the answer for the person who asked: what was done or what happens next."),
            field="outcome",
        )
    if len(outcome) > MAX_OUTCOME:
        raise DomainError(_("Keep it to %(n)d characters.") % {"n": MAX_OUTCOME}, field="outcome")
    if holds_a_number(outcome):
        raise DomainError(
            _(
                "The answer is shown to whoever has the request number and phone: write no ID "
                "number, phone number or other long number in it. Give the office's phone on "
                "the public page instead."
            ),
            field="outcome",
        )
    return outcome


@transaction.atomic
def answer_request(*, by: Actor, request: HelpRequest, outcome: str, version: int) -> HelpRequest:
    """Close the request with an answer written for the requester (no personal data: it is
    shown on the public status page), and tell them by SMS that it is there."""
    outcome = check_outcome(outcome)
    step = HANDLING.begin("answer", request, by=by, version=version)
    locked = step.obj
    locked.outcome = outcome
    fields = ["outcome"]
    if locked.acknowledged_at is None:
        locked.acknowledged_at, locked.acknowledged_by = step.at, by
        fields += ["acknowledged_at", "acknowledged_by"]
    done = step.finish(fields=fields, changes={"outcome_length": len(outcome)})
    phone = crypto.decrypt(done.phone_ct, field="help_phone")
    # The requester reads Chinese, whatever language the person answering works in.
    with translation.override("zh-hans"):
        text = _(
            "Your request %(number)s has been answered. Look it up with its number and your "
            "phone on the public pages."
        ) % {"number": done.number}
    notify(
        users=[],
        kind="help_request",
        title=text,
        email=False,
        sms=True,
        sms_numbers=[phone],
    )
    return done


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("Say why (at least %(n)d characters).") % {"n": 4}, field="reason")
    if len(reason) > 200:
        raise DomainError(_("Keep it to 200 characters."), field="reason")
    if holds_a_number(reason):
        raise DomainError(
            _("Do not write an ID number, a phone number or any long number here."),
            field="reason",
        )
    return reason


@transaction.atomic
def mark_spam(*, by: Actor, request: HelpRequest, reason: str, version: int) -> HelpRequest:
    """Set a request aside on the spam list (it stays there to be reviewed or restored)."""
    reason = check_reason(reason)
    step = HANDLING.begin("mark_spam", request, by=by, version=version)
    if step.done:
        return step.obj
    step.obj.spam_reason = reason
    return step.finish(fields=["spam_reason"], changes={"reason": reason})


@transaction.atomic
def restore_request(*, by: Actor, request: HelpRequest, version: int) -> HelpRequest:
    """Take a request off the spam list: it is received again, with its deadlines from today."""
    step = HANDLING.begin("restore", request, by=by, version=version)
    locked = step.obj
    locked.acknowledge_due, locked.answer_due = due_dates(locked.organisation, timezone.localdate())
    locked.spam_reason = ""
    return step.finish(fields=["spam_reason", "acknowledge_due", "answer_due"])


@transaction.atomic
def transfer_request(
    *, by: Actor, request: HelpRequest, to: Organisation, reason: str, version: int
) -> HelpRequest:
    """Hand the request to another county (the requester lives elsewhere, or it is theirs to
    answer): it arrives there as received, with that county's deadlines from today."""
    reason = check_reason(reason)
    locked = HANDLING.lock(request)
    may_coordinate(by, locked)
    if locked.status not in OPEN:
        raise HANDLING.refusal(locked)
    HANDLING.check_version(locked, version)
    if to.kind not in RESPONSIBLE_KINDS or not to.is_active or to.pk == locked.organisation_id:
        raise DomainError(_("Choose another county's committee or federation."), field="to")
    before, before_path = locked.organisation_id, locked.org_path
    locked.organisation, locked.org_path = to, to.path
    locked.assigned_to = None
    locked.status = Status.RECEIVED
    locked.acknowledged_at = locked.assigned_at = None
    locked.acknowledged_by = locked.assigned_by = None
    locked.escalation_level = 0
    locked.acknowledge_due, locked.answer_due = due_dates(to, timezone.localdate())
    locked.version += 1
    locked.save(
        update_fields=[
            "organisation",
            "org_path",
            "assigned_to",
            "status",
            "acknowledged_at",
            "acknowledged_by",
            "assigned_at",
            "assigned_by",
            "escalation_level",
            "acknowledge_due",
            "answer_due",
            "version",
            "updated_at",
        ]
    )
    # Filed under both counties: the one it left keeps the trace of where it went.
    changes = {"from": before, "to": to.pk, "reason": reason}
    for org_path in (before_path, to.path):
        audit.record(
            by=by,
            action="helprequests.request.transferred",
            target=locked,
            changes=changes,
            org_path=org_path,
        )
    return locked
