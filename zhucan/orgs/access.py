"""Who may see or change which organisation. Every org query in views starts here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Membership, Organisation, jurisdiction_paths, memberships_of
from zhucan.orgs.roles import ROLE_CAPABILITIES, ROLES_REQUIRING_2FA, Capability


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user)


def get_organisation_for_user(user: Any, pk: Any) -> Organisation:
    """The organisation if it is in the user's jurisdiction; 404 otherwise (never 403)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(visible_organisations(user).select_related("region", "parent"), pk=pk)


def _memberships(user: Any) -> list[tuple[str, str]]:
    return memberships_of(user)


def require_capability(by: Actor, capability: Capability, org: Organisation) -> None:
    """The one check every service makes before it acts for ``org``: a readable refusal (a
    ``DomainError``) when no membership at ``org`` or above grants ``capability``."""
    if not has_capability(by, capability, org):
        raise DomainError(_("You are not allowed to do this for %(org)s.") % {"org": org.name})


def has_capability(user: Any, capability: Capability, org: Organisation | None = None) -> bool:
    """True when a membership at ``org`` or above it grants ``capability`` (any org if None)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for path, role in _memberships(user):
        if capability in ROLE_CAPABILITIES.get(role, frozenset()):
            if org is None or org.path.startswith(path):
                return True
    return False


def capability_roots(user: Any, capability: Capability) -> list[str]:
    """Paths of the subtrees where the user holds ``capability``."""
    return [path for path, role in _memberships(user) if capability in ROLE_CAPABILITIES[role]]


def organisations_with_capability(user: Any, capability: Capability) -> QuerySet[Organisation]:
    """The organisations where the user holds ``capability`` (subtrees included)."""
    if user.is_superuser:
        return Organisation.objects.all()
    roots = capability_roots(user, capability)
    if not roots:
        return Organisation.objects.none()
    qs = Organisation.objects.none()
    for path in roots:
        qs = qs | Organisation.objects.filter(path__startswith=path)
    return qs


def requires_second_factor(user: Any) -> bool:
    if user.is_superuser or user.is_staff:
        return True
    return any(role in ROLES_REQUIRING_2FA for _path, role in _memberships(user))


def has_jurisdiction(user: Any) -> bool:
    return bool(user.is_superuser or jurisdiction_paths(user))


# --- Managing the tree and the people in it ------------------------------------------------


def can_manage_orgs(user: Any, org: Organisation) -> bool:
    return has_capability(user, Capability.MANAGE_ORGS, org)


def can_change_activation(user: Any, org: Organisation) -> bool:
    """Deactivating needs the capability strictly above the organisation, so that nobody
    switches off the root of their own jurisdiction and locks themselves out."""
    if getattr(user, "is_superuser", False):
        return True
    return org.parent is not None and has_capability(user, Capability.MANAGE_ORGS, org.parent)


def can_move(user: Any, org: Organisation) -> bool:
    """Moving takes an organisation away from its parent, so the parent must be the user's."""
    return org.parent is not None and has_capability(user, Capability.MANAGE_ORGS, org.parent)


def manageable_parents(user: Any) -> Any:
    """Active organisations the user may place units under."""
    return organisations_with_capability(user, Capability.MANAGE_ORGS).filter(is_active=True)


def get_membership_for_user(user: Any, pk: Any) -> Membership:
    """A membership in an organisation of the user's jurisdiction; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation").filter(
            organisation__in=visible_organisations(user)
        ),
        pk=pk,
    )


def people_visible_to(user: Any) -> Any:
    """People with at least one membership in the user's jurisdiction."""
    User = get_user_model()  # noqa: N806 - the model class
    if getattr(user, "is_superuser", False):
        return User.objects.all()
    return User.objects.filter(
        pk__in=Membership.objects.filter(organisation__in=visible_organisations(user)).values(
            "user_id"
        )
    )


def get_person_for_user(user: Any, pk: Any) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(people_visible_to(user), pk=pk)


def find_person_to_manage(user: Any, username: str) -> Any | None:
    """The person with this user name if they belong somewhere the user manages people.

    The same answer (None) for "no such account" and "outside your jurisdiction", so the
    search cannot be used to find out which accounts exist elsewhere.
    """
    User = get_user_model()  # noqa: N806 - the model class
    candidates = User.objects.filter(username__iexact=(username or "").strip())
    if not getattr(user, "is_superuser", False):
        managed = organisations_with_capability(user, Capability.MANAGE_PEOPLE)
        candidates = candidates.filter(memberships__organisation__in=managed)
    return candidates.distinct().first()


def may_manage_person(user: Any, person: Any, memberships: list[Membership] | None = None) -> bool:
    """True when every membership of ``person`` lies where ``user`` manages people.

    Disabling an account takes it away from every organisation it belongs to, so one role
    outside the user's reach is enough to leave the decision to someone higher up.
    ``memberships`` (with organisations) may be passed in to avoid a query per person.
    """
    if getattr(user, "is_superuser", False):
        return True
    if getattr(person, "is_superuser", False):
        return False
    roots = capability_roots(user, Capability.MANAGE_PEOPLE)
    if not roots:
        return False
    if memberships is None:
        memberships = list(Membership.objects.filter(user=person).select_related("organisation"))
    return bool(memberships) and all(
        any(m.organisation.path.startswith(root) for root in roots) for m in memberships
    )


def audit_path_for(user: Any, within: str = "") -> str:
    """Where an audit entry about what ``user`` took from the system belongs, so that the
    auditors above every part of it see it: the smallest subtree holding all of the user's
    jurisdiction (``/1/7/`` for one membership in organisation 7, the common ancestor's path
    for several), or ``within`` (the path of the campaign or node the data came from) when the
    user's jurisdiction is not inside it. ``""`` with neither.
    """
    paths = jurisdiction_paths(user)
    common: list[str] = paths[0].strip("/").split("/") if paths else []
    for path in paths[1:]:
        parts = path.strip("/").split("/")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    mine = "/" + "".join(f"{part}/" for part in common) if common else ""
    if mine and mine.startswith(within):
        return mine
    return within or mine
