"""The institution directory (福利院, 康复机构 …) that visits name."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhucan.activities.models import Institution, InstitutionKind
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import Capability
from zhucan.orgs.services import region_is_within


def can_add_institution(user: Any, organisation: Organisation) -> bool:
    return has_capability(user, Capability.COORDINATE, organisation) or has_capability(
        user, Capability.REPORT, organisation
    )


@transaction.atomic
def add_institution(
    *,
    by: Actor,
    organisation: Organisation,
    name: str,
    kind: str,
    region: Region,
    address: str = "",
    token: uuid.UUID | None = None,
) -> Institution:
    """Add an institution in the organisation's region (or a region inside it). ``token``: the
    form's; the form sent twice answers with the institution it added, not "already there"."""
    if not can_add_institution(by, organisation):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": organisation.name}
        )
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the institution's name."), field="name")
    if len(name) > 100:
        raise DomainError(_("At most %(n)d characters, please.") % {"n": 100}, field="name")
    address = " ".join((address or "").split())
    if len(address) > 200:
        raise DomainError(_("At most %(n)d characters, please.") % {"n": 200}, field="address")
    if kind not in InstitutionKind.values:
        raise DomainError(_("Choose the kind of institution."), field="kind")
    if not _inside(region.code, organisation.region_id):
        raise DomainError(
            _("%(region)s is not inside the region of %(org)s.")
            % {"region": str(region), "org": organisation.name},
            field="region",
        )

    def create() -> Institution:
        if Institution.objects.filter(region=region, name=name).exists():
            raise DomainError(_duplicate(name, region), field="name")
        try:
            with transaction.atomic():  # a savepoint: a colleague may add the same one at once
                institution = Institution.objects.create(
                    organisation=organisation, name=name, kind=kind, region=region, address=address
                )
        except IntegrityError:
            raise DomainError(_duplicate(name, region), field="name") from None
        audit.record(
            by=by,
            action="activities.institution.added",
            target=institution,
            changes={"name": name, "kind": kind, "region": region.code},
        )
        return institution

    return create_once(by=by, token=token, model=Institution, create=create)


def institution_inside(institution: Institution, organisation: Organisation) -> bool:
    """Whether a report of ``organisation`` may name the institution as visited."""
    return bool(organisation.region_id) and _inside(institution.region_id, organisation.region_id)


def _inside(code: str, outer: str) -> bool:
    # Township and village codes (9 and 12 digits) begin with their county's six digits.
    county = code[:6]
    return code == outer or county == outer or region_is_within(county, outer)


def _duplicate(name: str, region: Region) -> str:
    return _("%(region)s already has an institution named “%(name)s”.") % {
        "region": str(region),
        "name": name,
    }


@transaction.atomic
def update_public_entry(
    *,
    by: Actor,
    institution: Institution,
    phone: str,
    opening_hours: str,
    accessibility: str,
    is_public: bool,
) -> Institution:
    """Change what the public directory says about an institution, and whether it lists it.
    Only the keeping organisation's coordinators: the public reads it as the committee's word."""
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    if not has_capability(by, Capability.COORDINATE, locked.organisation):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": locked.organisation.name}
        )
    texts = {
        "phone": " ".join((phone or "").split()),
        "opening_hours": " ".join((opening_hours or "").split()),
        "accessibility": " ".join((accessibility or "").split()),
    }
    for name, limit in (("phone", 40), ("opening_hours", 200), ("accessibility", 300)):
        if len(texts[name]) > limit:
            raise DomainError(_("At most %(n)d characters, please.") % {"n": limit}, field=name)
    values: dict[str, object] = {**texts, "is_public": bool(is_public)}
    if is_public and not (texts["phone"] or locked.address):
        raise DomainError(
            _("Give an address or a phone number before listing the institution publicly."),
            field="phone",
        )
    changes = audit.diff(locked, values)
    if not changes:
        return locked
    locked.save(update_fields=list(changes))
    audit.record(
        by=by, action="activities.institution.public_entry", target=locked, changes=changes
    )
    return locked
