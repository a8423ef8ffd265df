"""Every write of the help requests: arriving (``intake``), handled inside (``handling``), the
requester's own look-up and reopening (``requester``), the register (``people``), the
deadlines (``deadlines``) and the overdue reminders (``reminders``)."""

from zhucan.helprequests.services.deadlines import due_dates, settings_for, update_deadlines
from zhucan.helprequests.services.handling import (
    HANDLING,
    acknowledge_request,
    answer_request,
    assign_request,
    assignable,
    mark_spam,
    restore_request,
    transfer_request,
)
from zhucan.helprequests.services.intake import RequestInput, submit_request
from zhucan.helprequests.services.people import (
    REVEALABLE,
    link_person,
    record_help,
    reveal_request,
)
from zhucan.helprequests.services.requester import (
    can_reopen,
    find_own_request,
    reopen_request,
)

__all__ = [
    "HANDLING",
    "REVEALABLE",
    "RequestInput",
    "acknowledge_request",
    "answer_request",
    "assign_request",
    "assignable",
    "can_reopen",
    "due_dates",
    "find_own_request",
    "link_person",
    "mark_spam",
    "record_help",
    "reopen_request",
    "restore_request",
    "reveal_request",
    "settings_for",
    "submit_request",
    "transfer_request",
    "update_deadlines",
]
