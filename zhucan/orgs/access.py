"""Who may see or change which organisation. Every org query in views starts here."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.orgs.models import Membership, Organisation, jurisdiction_paths
from zhucan.orgs.roles import ROLE_CAPABILITIES, ROLES_REQUIRING_2FA, Capability


def visible_organisations(user: Any) -> Any:
    return Organisation.objects.visible_to(user)


def get_organisation_for_user(user: Any, pk: Any) -> Organisation:
    """The organisation if it is in the user's jurisdiction; 404 otherwise (never 403)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(visible_organisations(user).select_related("region", "parent"), pk=pk)


def _memberships(user: Any) -> list[tuple[str, str]]:
    cached = getattr(user, "_zhucan_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, organisation__is_active=True).values_list(
                "organisation__path", "role"
            )
        )
        user._zhucan_memberships = cached
    return cached


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


def organisations_with_capability(user: Any, capability: Capability) -> Any:
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
