"""Every change to regions, organisations and memberships goes through these functions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Membership, Organisation, Region
from zhucan.orgs.regions import validate_region_code


def get_region(code: str) -> Region:
    validate_region_code(code)
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise DomainError(
            _("Region %(code)s has not been loaded yet.") % {"code": code}, field="region"
        ) from None


def _place(org: Organisation, parent: Organisation | None) -> None:
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Please enter the organisation's name."), field="name")
    if len(name) > 100:
        raise DomainError(_("The name can be at most 100 characters."), field="name")
    return name


def _check_unique(name: str, parent: Organisation | None, exclude: int | None = None) -> None:
    siblings = Organisation.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        raise DomainError(
            _("An organisation called %(name)s already exists there.") % {"name": name},
            field="name",
        )


@transaction.atomic
def create_organisation(
    *,
    by: Any,
    name: str,
    kind: str,
    region_code: str,
    parent: Organisation | None = None,
    short_name: str = "",
    department: str = "",
    issuer_code: str = "",
    phone: str = "",
    email: str = "",
) -> Organisation:
    """Add an organisation under ``parent`` (None makes a root; only superusers may)."""
    name = _check_name(name)
    if kind not in Organisation.Kind.values:
        raise DomainError(_("Unknown kind of organisation."), field="kind")
    region = get_region(region_code)
    _check_unique(name, parent)
    org = Organisation.objects.create(
        name=name, short_name=short_name.strip(), kind=kind, department=department,
        region=region, parent=parent, issuer_code=issuer_code.strip(), phone=phone.strip(),
        email=email.strip(),
    )
    _place(org, parent)
    org.save(update_fields=["path", "depth"])
    audit.record(by=by, action="orgs.organisation.created", target=org, changes={
        "name": name, "kind": kind, "region": region.code,
        "parent": parent.pk if parent else None,
    })
    return org


@transaction.atomic
def update_organisation(
    *,
    by: Any,
    org: Organisation,
    version: int,
    name: str,
    kind: str,
    region_code: str,
    parent: Organisation | None,
    short_name: str = "",
    department: str = "",
    issuer_code: str = "",
    phone: str = "",
    email: str = "",
    is_active: bool = True,
) -> Organisation:
    """Change an organisation; moving it moves its whole subtree. ``version`` detects races."""
    locked = Organisation.objects.select_for_update().get(pk=org.pk)
    if locked.version != version:
        raise DomainError(_(
            "Someone else changed this organisation while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        ))
    name = _check_name(name)
    region = get_region(region_code)
    if parent is not None and (parent.pk == locked.pk or parent.path.startswith(locked.path)):
        raise DomainError(
            _("An organisation cannot be placed under itself or under one of its own units."),
            field="parent",
        )
    _check_unique(name, parent, exclude=locked.pk)
    changes = audit.diff(locked, {
        "name": name, "kind": kind, "region_id": region.code, "short_name": short_name.strip(),
        "department": department, "issuer_code": issuer_code.strip(), "phone": phone.strip(),
        "email": email.strip(), "is_active": is_active,
        "parent_id": parent.pk if parent else None,
    })
    if "parent_id" in changes:
        old_path, old_depth = locked.path, locked.depth
        _place(locked, parent)
        # Rewrite every descendant's path prefix in one statement.
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=locked.pk).update(
            path=Concat(Value(locked.path), Substr(F("path"), len(old_path) + 1)),
            depth=F("depth") + (locked.depth - old_depth),
        )
    locked.version += 1
    locked.save()
    if changes:
        audit.record(by=by, action="orgs.organisation.changed", target=locked, changes=changes)
    return locked


@transaction.atomic
def add_membership(*, by: Any, user: Any, organisation: Organisation, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(_("Unknown role."), field="role")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        audit.record(by=by, action="orgs.membership.added", target=membership,
                     changes={"user": user.pk, "organisation": organisation.pk, "role": role})
    return membership


@transaction.atomic
def remove_membership(*, by: Any, membership: Membership) -> None:
    audit.record(by=by, action="orgs.membership.removed", target=membership, changes={
        "user": membership.user_id, "organisation": membership.organisation_id,
        "role": membership.role,
    })
    membership.delete()
