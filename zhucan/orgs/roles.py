"""What each role may do. One table, so that the rules can be read in one place."""

from __future__ import annotations

from enum import StrEnum

from zhucan.orgs.models import Membership

Role = Membership.Role


class Capability(StrEnum):
    VIEW = "view"  # see the work of the jurisdiction
    REPORT = "report"  # write drafts and submit plans and reports
    REVIEW = "review"  # approve or return what the level below submits
    COORDINATE = "coordinate"  # run campaigns: notices, reminders, exports
    MANAGE_ORGS = "manage_orgs"  # change the organisation tree
    MANAGE_PEOPLE = "manage_people"  # add people and give them roles
    AUDIT = "audit"  # read and export the audit log
    PERSONAL_DATA = "personal_data"  # see (masked) personal data of registered people
    # Ask to see one record's clear ID number, phones and address, giving a reason (audited).
    REVEAL_PERSONAL_DATA = "reveal_personal_data"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.COORDINATOR: frozenset(
        {
            Capability.VIEW,
            Capability.REPORT,
            Capability.COORDINATE,
            Capability.PERSONAL_DATA,
            Capability.REVEAL_PERSONAL_DATA,
        }
    ),
    Role.REVIEWER: frozenset({Capability.VIEW, Capability.REVIEW, Capability.PERSONAL_DATA}),
    Role.REPORTER: frozenset({Capability.VIEW, Capability.REPORT}),
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.AUDIT, Capability.PERSONAL_DATA}),
}

# Who decides on submitted work (accepts or returns an activity report): a role with one of
# these capabilities held at an organisation *above* the one that wrote it. Four eyes: a unit
# never accepts its own unit's report (a county's own report goes to the city; a county's
# member unit's report to the county), and nobody decides on a report they wrote. Only the top
# of the tree, with no office above it in Zhucan, decides its own, by someone not its author.
DECIDING_CAPABILITIES = frozenset({Capability.REVIEW, Capability.COORDINATE})
DECIDED_FROM_ABOVE = True

# Roles that can see personal data must sign in with a second factor (PIPL: sensitive data).
ROLES_REQUIRING_2FA = frozenset(
    role for role, caps in ROLE_CAPABILITIES.items() if Capability.PERSONAL_DATA in caps
)
