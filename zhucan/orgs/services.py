"""Every change to regions, organisations and memberships goes through these functions.

The ``clean_*`` and ``check_*`` helpers hold the rules for one value each; the services call
them, and so does the Excel importer, which checks every row before it writes anything.
Permissions are not checked here: views, the importer and commands decide who may act.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.excel import is_formula_like
from zhucan.core.idempotency import create_once
from zhucan.orgs.access_version import access_changed, access_changed_under
from zhucan.orgs.models import Department, Membership, Organisation, Region
from zhucan.orgs.ordering import sort_path_for
from zhucan.orgs.regions import RegionCode, gbt2260_codes, validate_region_code

# Model field lengths, checked here because SQLite does not enforce them and PostgreSQL would
# answer with a database error instead of a message a person can act on.
MAX_LENGTHS = {"name": 100, "short_name": 40, "issuer_code": 20, "phone": 30, "email": 254}


# --- Rules for single values -------------------------------------------------------------


def normalise_region_code(code: str) -> str:
    # Chinese input methods often type full-width digits (４１０４０２); they mean the same code.
    return unicodedata.normalize("NFKC", code or "").strip()


def check_region_code(code: str) -> RegionCode:
    """A known six-digit GB/T 2260 code, or a DomainError that says what is wrong with it."""
    code = normalise_region_code(code)
    if not code:
        raise DomainError(_("Please enter the region code."), field="region")
    if not code.isdigit() or not code.isascii():
        raise DomainError(
            _("A region code has only digits, for example 410402 for 新华区."), field="region"
        )
    if len(code) != 6:
        raise DomainError(
            _("A region code has six digits; %(code)s has %(count)d.")
            % {"code": code, "count": len(code)},
            field="region",
        )
    return validate_region_code(code)


def get_region(code: str) -> Region:
    code = check_region_code(code).code
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise DomainError(
            _("Region %(code)s has not been loaded yet.") % {"code": code}, field="region"
        ) from None


def region_ancestry(code: str) -> set[str]:
    """The code itself and the city and province it lies in (GB/T 2260 codes nest by prefix).

    Counties directly under a province (省直辖县, e.g. 419001) have no city in the table, so
    only codes that exist count.
    """
    known = gbt2260_codes()
    candidates = {code, code[:4] + "00", code[:2] + "0000"}
    return {c for c in candidates if c == code or c in known}


def region_is_within(code: str, outer: str) -> bool:
    return outer in region_ancestry(code)


def check_region_within(region_code: str, parent: Organisation | None) -> None:
    """A unit lies in its parent's region or inside it: a county committee under a city
    committee must be in that city, a member unit in its committee's county."""
    if parent is not None:
        check_region_inside(region_code, outer_code=parent.region_id, outer_name=parent.name)


def check_region_inside(region_code: str, *, outer_code: str, outer_name: str) -> None:
    if region_is_within(region_code, outer_code):
        return
    known = gbt2260_codes()
    raise DomainError(
        _(
            "Region %(code)s (%(name)s) is not inside %(parent_region)s, the region of "
            "%(parent)s. A unit must be in its parent's region or inside it."
        )
        % {
            "code": region_code,
            "name": known[region_code].name if region_code in known else "?",
            "parent_region": outer_code,
            "parent": outer_name,
        },
        field="region",
    )


def clean_name(name: str, *, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Please enter the organisation's name."), field=field)
    _check_text(name, field=field, max_length=MAX_LENGTHS["name"])
    return name


def _check_text(value: str, *, field: str, max_length: int) -> None:
    # A name that starts like a formula would run as one when someone opens an export in Excel
    # or WPS; refusing it is clearer than storing it with a hidden quote prefix.
    if is_formula_like(value):
        raise DomainError(
            _("This cannot start with =, +, - or @: spreadsheets would read it as a formula."),
            field=field,
        )
    if len(value) > max_length:
        raise DomainError(
            _("This can be at most %(max)d characters long.") % {"max": max_length}, field=field
        )


def clean_short_name(short_name: str) -> str:
    short_name = " ".join((short_name or "").split())
    if short_name:
        _check_text(short_name, field="short_name", max_length=MAX_LENGTHS["short_name"])
    return short_name


def check_kind_and_department(kind: str, department: str) -> None:
    if kind not in Organisation.Kind.values:
        raise DomainError(_("Unknown kind of organisation."), field="kind")
    if department and department not in Department.values:
        raise DomainError(_("Unknown department."), field="department")
    if kind == Organisation.Kind.MEMBER_UNIT and not department:
        raise DomainError(
            _("A member unit needs its department, so that duties can be assigned to it."),
            field="department",
        )


# Lenient on purpose (several numbers, extensions, full-width brackets are all common), but no
# letters or symbols that could smuggle a formula or a script into an export.
_PHONE = re.compile(r"^[0-9０-９+\-－—()（）/、,，;；.\s转分机extEXT]*$")


def clean_contact(*, issuer_code: str, phone: str, email: str) -> dict[str, str]:
    issuer_code, phone, email = (
        (issuer_code or "").strip(),
        (phone or "").strip(),
        (email or "").strip(),
    )
    if issuer_code:
        _check_text(issuer_code, field="issuer_code", max_length=MAX_LENGTHS["issuer_code"])
    if len(phone) > MAX_LENGTHS["phone"]:
        raise DomainError(
            _("This can be at most %(max)d characters long.") % {"max": MAX_LENGTHS["phone"]},
            field="phone",
        )
    if not _PHONE.match(phone):
        raise DomainError(
            _("A phone number has digits, spaces, +, - and brackets, for example 0375-2690909."),
            field="phone",
        )
    if email:
        _check_text(email, field="email", max_length=MAX_LENGTHS["email"])
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                _("Enter an email address like name@example.cn."), field="email"
            ) from None
    return {"issuer_code": issuer_code, "phone": phone, "email": email}


def _check_unique(name: str, parent: Organisation | None, exclude: int | None = None) -> None:
    siblings = Organisation.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        raise DomainError(
            _("An organisation called %(name)s already exists there.") % {"name": name},
            field="name",
        )


def _check_parent_active(parent: Organisation | None) -> None:
    if parent is not None and not parent.is_active:
        raise DomainError(
            _("%(name)s is deactivated: reactivate it before placing units under it.")
            % {"name": parent.name},
            field="parent",
        )


def _place(org: Organisation, parent: Organisation | None) -> None:
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.sort_path = sort_path_for(org, parent)


def _reorder_subtree(org: Organisation, old_sort_path: str, region_changed: bool) -> None:
    """Bring the units' ``sort_path`` in line after ``org`` got a new one. A unit's segment
    depends on its parent's region only, so unless that changed one statement rewrites the
    prefix; after a change of region (rare, and only on small subtrees) each unit is recomputed
    top down."""
    below = Organisation.objects.filter(path__startswith=org.path).exclude(pk=org.pk)
    if not region_changed:
        below.update(
            sort_path=Concat(Value(org.sort_path), Substr(F("sort_path"), len(old_sort_path) + 1))
        )
        return
    by_pk: dict[int | None, Organisation] = {org.pk: org}
    changed = []
    for unit in below.order_by("depth").only(
        "pk", "kind", "department", "region", "parent", "member_position"
    ):
        unit.sort_path = sort_path_for(unit, by_pk[unit.parent_id])
        by_pk[unit.pk] = unit
        changed.append(unit)
    Organisation.objects.bulk_update(changed, ["sort_path"], batch_size=500)


# --- Organisations -----------------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *,
    by: Actor | None,
    name: str,
    kind: str,
    region_code: str,
    parent: Organisation | None = None,
    short_name: str = "",
    department: str = "",
    issuer_code: str = "",
    phone: str = "",
    email: str = "",
    member_position: int | None = None,
    token: uuid.UUID | None = None,
) -> Organisation:
    """Add an organisation under ``parent`` (None makes a root; only superusers may).
    ``token``: the form's; the form sent twice answers with the organisation it added."""
    name = clean_name(name)
    short_name = clean_short_name(short_name)
    check_kind_and_department(kind, department)
    contact = clean_contact(issuer_code=issuer_code, phone=phone, email=email)
    region = get_region(region_code)
    _check_parent_active(parent)
    check_region_within(region.code, parent)

    def create() -> Organisation:
        _check_unique(name, parent)
        try:
            with transaction.atomic():  # a colleague may add the same name at once
                return _create(
                    name,
                    short_name,
                    kind,
                    department,
                    region,
                    parent,
                    contact,
                    by,
                    member_position=member_position,
                )
        except IntegrityError:
            _check_unique(name, parent)  # now sees theirs, and says so
            raise

    return create_once(by=by, token=token, model=Organisation, create=create)


def _create(
    name: str,
    short_name: str,
    kind: str,
    department: str,
    region: Region,
    parent: Organisation | None,
    contact: dict[str, str],
    by: Actor | None,
    *,
    member_position: int | None = None,
) -> Organisation:
    org = Organisation.objects.create(
        name=name,
        short_name=short_name,
        kind=kind,
        department=department,
        region=region,
        parent=parent,
        member_position=member_position,
        **contact,
    )
    _place(org, parent)
    org.save(update_fields=["path", "depth", "sort_path"])
    audit.record(
        by=by,
        action="orgs.organisation.created",
        target=org,
        changes={
            "name": name,
            "kind": kind,
            "region": region.code,
            "parent": parent.pk if parent else None,
        },
    )
    return org


def _check_subtree_regions(org: Organisation, region_code: str) -> None:
    """A new region for an organisation must still contain the regions of all its units."""
    codes = set(
        Organisation.objects.filter(path__startswith=org.path)
        .exclude(pk=org.pk)
        .values_list("region_id", flat=True)
        .distinct()
    )
    outside = sorted(c for c in codes if not region_is_within(c, region_code))
    if outside:
        raise DomainError(
            _(
                "Units under this organisation are in regions outside %(code)s (%(outside)s). "
                "Change or move those units first."
            )
            % {"code": region_code, "outside": ", ".join(outside[:5])},
            field="region",
        )


@transaction.atomic
def update_organisation(
    *,
    by: Actor,
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
    member_position: int | None = None,
) -> Organisation:
    """Change an organisation; moving it moves its whole subtree. ``version`` detects races.

    Activation has its own service (``set_organisation_active``) because it cascades.
    """
    locked = Organisation.objects.select_for_update().get(pk=org.pk)
    if locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this organisation while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    name = clean_name(name)
    short_name = clean_short_name(short_name)
    check_kind_and_department(kind, department)
    contact = clean_contact(issuer_code=issuer_code, phone=phone, email=email)
    region = get_region(region_code)
    if parent is not None and (parent.pk == locked.pk or parent.path.startswith(locked.path)):
        raise DomainError(
            _(
                "An organisation cannot be placed under itself or under one of its own units: "
                "that would make a cycle in the tree."
            ),
            field="parent",
        )
    parent_changed = (parent.pk if parent else None) != locked.parent_id
    if parent_changed:
        _check_parent_active(parent)
    if parent_changed or region.code != locked.region_id:
        # Only re-checked on a change, so that fixing a phone number on an old record with an
        # inconsistent region is not blocked by it.
        check_region_within(region.code, parent)
        _check_subtree_regions(locked, region.code)
    _check_unique(name, parent, exclude=locked.pk)
    changes = audit.diff(
        locked,
        {
            "name": name,
            "kind": kind,
            "region_id": region.code,
            "short_name": short_name,
            "department": department,
            **contact,
            "member_position": member_position,
            "parent_id": parent.pk if parent else None,
        },
    )
    if not changes:
        return locked
    update_fields = [*changes, "version"]
    old_sort_path = locked.sort_path
    if "parent_id" in changes:
        old_path, old_depth = locked.path, locked.depth
        _place(locked, parent)
        update_fields += ["path", "depth"]
        # Rewrite every descendant's path prefix in one statement.
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=locked.pk).update(
            path=Concat(Value(locked.path), Substr(F("path"), len(old_path) + 1)),
            depth=F("depth") + (locked.depth - old_depth),
        )
    if changes.keys() & {"parent_id", "region_id", "kind", "department", "member_position"}:
        locked.sort_path = sort_path_for(locked, parent)
        if locked.sort_path != old_sort_path:
            update_fields.append("sort_path")
            _reorder_subtree(locked, old_sort_path, "region_id" in changes)
    locked.version += 1
    locked.save(update_fields=update_fields)
    if "parent_id" in changes:
        # The roles held in the subtree now have other paths.
        access_changed_under(locked.path)
    audit.record(by=by, action="orgs.organisation.changed", target=locked, changes=changes)
    return locked


@transaction.atomic
def set_organisation_active(
    *, by: Actor, org: Organisation, active: bool, include_units: bool = True
) -> int:
    """Deactivate an organisation with every unit under it, or reactivate it.

    Deactivating always takes the whole subtree: an active unit under a deactivated parent
    would keep a jurisdiction that no longer exists. Reactivating takes the units under it only
    when ``include_units`` is set, since some may have been closed on purpose before.
    Returns how many organisations changed.
    """
    locked = Organisation.objects.select_for_update().get(pk=org.pk)
    if active and locked.parent_id is not None:
        parent = Organisation.objects.get(pk=locked.parent_id)
        if not parent.is_active:
            raise DomainError(
                _("%(name)s is deactivated: reactivate it first.") % {"name": parent.name}
            )
    scope = Organisation.objects.filter(pk=locked.pk)
    if include_units or not active:
        scope = Organisation.objects.filter(path__startswith=locked.path)
    affected = list(scope.filter(is_active=not active).order_by("path"))
    if not affected:
        return 0
    # The version bump makes any edit form opened before this change stale.
    Organisation.objects.filter(pk__in=[o.pk for o in affected]).update(
        is_active=active, version=F("version") + 1
    )
    access_changed_under(locked.path)
    action = "orgs.organisation.reactivated" if active else "orgs.organisation.deactivated"
    for changed in affected:
        audit.record(
            by=by,
            action=action,
            target=changed,
            changes={"is_active": [not active, active], "with": locked.pk},
        )
    org.is_active = active
    return len(affected)


# --- Memberships -------------------------------------------------------------------------


@transaction.atomic
def add_membership(
    *, by: Actor | None, user: Any, organisation: Organisation, role: str
) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(_("Unknown role."), field="role")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        access_changed(users=Q(pk=user.pk), instance=user)
        audit.record(
            by=by,
            action="orgs.membership.added",
            target=membership,
            changes={"user": user.pk, "organisation": organisation.pk, "role": role},
        )
    return membership


@transaction.atomic
def grant_role(*, by: Actor, user: Any, organisation: Organisation, role: str) -> Membership:
    """Give an existing person a (further) role in ``organisation``; refuses a duplicate."""
    if not organisation.is_active:
        raise DomainError(_("This organisation is deactivated: reactivate it first."))
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise DomainError(
            _("%(name)s already has this role here.") % {"name": user.get_full_name()},
            field="role",
        )
    return add_membership(by=by, user=user, organisation=organisation, role=role)


@transaction.atomic
def remove_membership(*, by: Actor, membership: Membership) -> None:
    """Take one role away. The last one is refused: a person without any membership has no
    jurisdiction and would see an empty system; disable the account instead."""
    if by is not None and membership.user_id == getattr(by, "pk", None):
        raise DomainError(_("You cannot remove your own role. Ask another administrator to do it."))
    # Lock the person's memberships so two removals at once cannot both pass the check.
    roles = list(
        Membership.objects.select_for_update().filter(user_id=membership.user_id).values("pk")
    )
    if len(roles) <= 1:
        raise DomainError(
            _(
                "This is the person's only role. Everyone must belong to an organisation: "
                "give them another role first, or disable the account to stop them signing in."
            )
        )
    audit.record(
        by=by,
        action="orgs.membership.removed",
        target=membership,
        changes={
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "role": membership.role,
        },
    )
    membership.delete()
    access_changed(users=Q(pk=membership.user_id))
