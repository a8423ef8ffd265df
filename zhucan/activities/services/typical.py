"""Typical activities (典型): a unit puts an accepted report forward, the office above decides."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.activities.models import ActivityReport, TypicalActivity
from zhucan.activities.services.common import lock
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.roles import Capability

ACCOUNT_MAX = 2000


def can_propose(user: Any, report: ActivityReport) -> bool:
    org = report.organisation
    return has_capability(user, Capability.REPORT, org) or has_capability(
        user, Capability.COORDINATE, org
    )


def deciding_offices(report: ActivityReport) -> list[Organisation]:
    """The offices above the reporting organisation: its parent, and the campaign's issuer when
    that lies above the organisation (a city campaign's proposals from a county's unit)."""
    org = report.organisation
    offices = [org.parent] if org.parent is not None else []
    issuer = report.campaign.issuing_org
    if issuer.pk != org.pk and org.path.startswith(issuer.path):
        offices.append(issuer)
    return offices


def can_decide(user: Any, typical: TypicalActivity) -> bool:
    """Coordinators and reviewers of the office above decide, never members of the reporting
    organisation itself nor the person who proposed it."""
    report = typical.report
    if typical.proposed_by_id == user.pk:
        return False
    if report.organisation_id in _member_of(user):
        return False
    return any(
        has_capability(user, Capability.COORDINATE, office)
        or has_capability(user, Capability.REVIEW, office)
        for office in deciding_offices(report)
    )


def _member_of(user: Any) -> set[int]:
    # Kept on the user object: the list page asks this for every proposal it shows.
    cached = getattr(user, "_typical_member_of", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._typical_member_of = cached
    return cached


@transaction.atomic
def propose_typical(*, by: Actor, report: ActivityReport, account: str) -> TypicalActivity:
    """Put an accepted report forward as typical, with a short account of why. Proposing again
    while the proposal waits changes its account."""
    locked = lock(report)
    if not can_propose(by, locked):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": locked.organisation.name}
        )
    if locked.status != ActivityReport.Status.ACCEPTED:
        raise DomainError(_("Only an accepted report can be put forward as typical."))
    account = (account or "").strip()
    if not account:
        raise DomainError(
            _("Say in a few sentences what makes this activity typical."), field="account"
        )
    if len(account) > ACCOUNT_MAX:
        raise DomainError(
            _("The account can be at most %(n)d characters.") % {"n": ACCOUNT_MAX},
            field="account",
        )
    existing = TypicalActivity.objects.select_for_update().filter(report=locked).first()
    if existing is None:
        typical = TypicalActivity.objects.create(report=locked, account=account, proposed_by=by)
        audit.record(by=by, action="activities.typical.proposed", target=typical)
        return typical
    if existing.status != TypicalActivity.Status.PROPOSED:
        raise DomainError(
            _("This proposal was already decided (%(status)s); it can no longer be changed.")
            % {"status": existing.get_status_display()}
        )
    changes = audit.diff(existing, {"account": account})
    existing.account = account
    existing.save(update_fields=["account"])
    audit.record(by=by, action="activities.typical.changed", target=existing, changes=changes)
    return existing


@transaction.atomic
def decide_typical(*, by: Actor, typical: TypicalActivity, accept: bool) -> TypicalActivity:
    """The office above accepts the proposal as typical or does not take it."""
    locked = (
        TypicalActivity.objects.select_for_update(of=("self",))
        .select_related("report__organisation__parent", "report__campaign__issuing_org")
        .get(pk=typical.pk)
    )
    if not can_decide(by, locked):
        raise DomainError(_("Only the office above the reporting organisation can decide this."))
    if locked.status != TypicalActivity.Status.PROPOSED:
        raise DomainError(
            _("This proposal was already decided (%(status)s) by someone else. Reload the page.")
            % {"status": locked.get_status_display()}
        )
    status = TypicalActivity.Status.ACCEPTED if accept else TypicalActivity.Status.DECLINED
    locked.status = status
    locked.decided_by, locked.decided_at = by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        by=by,
        action="activities.typical.accepted" if accept else "activities.typical.declined",
        target=locked,
    )
    return locked


@transaction.atomic
def set_typical_public(*, by: Actor, typical: TypicalActivity, public: bool) -> TypicalActivity:
    """The adopting office shows an accepted typical activity on the public site, or stops.
    Its photos follow only where their own publication consent was recorded."""
    locked = (
        TypicalActivity.objects.select_for_update(of=("self",))
        .select_related("report__organisation__parent", "report__campaign__issuing_org")
        .get(pk=typical.pk)
    )
    if not can_decide(by, locked):
        raise DomainError(_("Only the office above the reporting organisation can decide this."))
    if locked.status != TypicalActivity.Status.ACCEPTED:
        raise DomainError(_("Only an activity accepted as typical can be shown to the public."))
    if locked.is_public == public:
        return locked
    locked.is_public = public
    locked.save(update_fields=["is_public"])
    audit.record(
        by=by,
        action="activities.typical.published" if public else "activities.typical.unpublished",
        target=locked,
        changes={"is_public": [not public, public]},
    )
    return locked
