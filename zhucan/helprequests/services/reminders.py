"""Overdue requests, reminded and escalated by the periodic reminder sweep (a hook registered
with ``completeness.hooks`` in ``apps.py``).

A request not acknowledged by its acknowledge date, or not answered by its answer date, is
overdue. The day after, the people handling it are told (the assignee's reporters and the
county's coordinators: level 0). Then every ``ESCALATE_EVERY`` working days it goes one office
further up the tree (level 1: the office above the county, level 2: the one above that), until
the top. Each message has a key (deadline, date, level) kept in ``HelpReminder`` with a unique
constraint, so a second sweep, or two at once, send nothing twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.workdays import working_days_between
from zhucan.helprequests.models import HelpReminder, HelpRequest
from zhucan.notifications.services import notify
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.roles import ROLE_CAPABILITIES, Capability

ESCALATE_EVERY = 2  # working days overdue per level up
Status = HelpRequest.Status


def _roles(capability: Capability) -> list[str]:
    return [str(role) for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def _people(org: Organisation, capability: Capability) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=org, role__in=_roles(capability), user__is_active=True
        ).select_related("user")
    ]


def overdue(request: HelpRequest, today: date) -> tuple[str, date] | None:
    """Which deadline of ``request`` has passed ("acknowledge" or "answer"), and its date."""
    if request.status in (Status.RECEIVED, Status.REOPENED) and request.acknowledge_due < today:
        return "acknowledge", request.acknowledge_due
    if request.status not in HelpRequest.FINISHED and request.answer_due < today:
        return "answer", request.answer_due
    return None


def _ancestors(county: Organisation) -> list[Organisation]:
    """The offices above ``county``, nearest first."""
    ids = county.ancestor_ids()[:-1]
    found = {org.pk: org for org in Organisation.objects.filter(pk__in=ids)}
    return [found[pk] for pk in reversed(ids) if pk in found]


def _send(request: HelpRequest, key: str, level: int, org: Organisation, people: list[Any]) -> int:
    try:
        with transaction.atomic():  # a savepoint: another sweep may have taken the key
            HelpReminder.objects.create(
                help_request=request,
                key=key,
                level=level,
                notified_org=org,
                notified_people=len(people),
            )
    except IntegrityError:
        return 0
    with translation.override("zh-hans"):
        if level == 0:
            title = _("Help request %(number)s is overdue") % {"number": request.number}
        else:
            title = _("Help request %(number)s to %(org)s is overdue") % {
                "number": request.number,
                "org": request.organisation.name,
            }
    notify(
        users=people,
        kind="help_request",
        title=title,
        url=reverse("helprequests:detail", args=[request.pk]),
    )
    return 1


@transaction.atomic
def remind_request(*, request_id: int, today: date) -> int:
    """The reminder and the escalation due today for one request; how many went out."""
    request = (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "assigned_to")
        .get(pk=request_id)
    )
    late = overdue(request, today)
    if late is None:
        return 0
    which, due = late
    county = request.organisation
    sent = 0
    handlers = _people(county, Capability.COORDINATE)
    if request.assigned_to is not None:
        handlers += _people(request.assigned_to, Capability.REPORT)
    sent += _send(request, f"{which}:{due.isoformat()}:0", 0, county, handlers)
    above = _ancestors(county)
    level = min(working_days_between(due, today) // ESCALATE_EVERY, len(above))
    if level >= 1:
        office = above[level - 1]
        key = f"{which}:{due.isoformat()}:{level}"
        sent += _send(request, key, level, office, _people(office, Capability.COORDINATE))
    if level > request.escalation_level:
        request.escalation_level = level
        request.save(update_fields=["escalation_level"])
    if sent:
        audit.record(
            by=None,
            action="helprequests.request.reminded",
            target=request,
            changes={"deadline": which, "due": due, "level": level, "sent": sent},
        )
    return sent


def sweep_help_requests(today: date) -> int:
    """The sweep hook: every open request past a deadline, each in its own transaction."""
    candidates = HelpRequest.objects.exclude(status__in=HelpRequest.FINISHED).filter(
        acknowledge_due__lt=today
    )
    return sum(
        remind_request(request_id=pk, today=today) for pk in candidates.values_list("pk", flat=True)
    )
