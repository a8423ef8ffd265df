"""Registering and correcting people.

``check_person`` turns what a clerk typed (or a spreadsheet row) into clean values and a
message per field; ``build_person`` makes the unsaved row with its ciphertexts, masked forms and
blind index. The form and the Excel import share both, so a number is judged the same way
wherever it comes from; the import saves in bulk, the form through ``register_person``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from operator import attrgetter
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import Capability
from zhucan.registry import crypto
from zhucan.registry.idnumbers import (
    IdNumber,
    IdNumberError,
    mask_id,
    mask_phone,
    mask_text,
    normalise,
    parse_certificate,
    parse_id_number,
)
from zhucan.registry.models import Person, RegistryLookup
from zhucan.registry.services.lookups import audit_token, count_lookup

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}\d{7,8}|\d{7,8})$")
NEED_FIELDS = ("need_income_fell", "need_no_guardian", "need_no_care", "need_other")
# Django's choices enums rebuild ``.values`` on every access (about 50 µs): the import checks
# 100,000 rows, so the allowed values are computed once.
_CATEGORIES = frozenset(Person.Category.values)
_GRADES = frozenset(Person.Grade.values)
_POVERTY = frozenset(Person.Poverty.values)
_LEGAL_BASES = frozenset(Person.LegalBasis.values)


@dataclass(frozen=True)
class PersonData:
    """One person as typed: clear values, not yet checked."""

    name: str
    id_number: str
    category: str
    grade: int | None
    certificate: str = ""
    phone: str = ""
    address: str = ""
    region: Region | None = None
    township: str = ""
    village: str = ""
    household_number: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    poverty: str = Person.Poverty.NONE
    need_income_fell: bool = False
    need_no_guardian: bool = False
    need_no_care: bool = False
    need_other: bool = False
    need_note: str = ""
    legal_basis: str = Person.LegalBasis.STATUTORY
    consent_at: datetime | None = None
    consent_note: str = ""


@dataclass
class Checked:
    data: PersonData
    id: IdNumber | None = None
    certificate_suffix: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _phone(value: str) -> str:
    if value.isascii() and value.isdigit():
        return value  # already clean, as most are (``normalise`` would return it unchanged)
    return normalise(value).replace("+86", "", 1)


def check_person(data: PersonData, *, today: date | None = None) -> Checked:
    """Every field's problem at once (an import lists them all), clean values otherwise."""
    result = Checked(data=data)
    errors = result.errors
    name = data.name.strip()
    if not name:
        errors["name"] = _("Enter the person's name.")
    elif len(name) > 50:
        errors["name"] = _("A name has at most 50 characters.")
    try:
        result.id = parse_id_number(data.id_number, today=today)
    except IdNumberError as error:
        errors["id_number"] = str(error)
    if data.category not in _CATEGORIES:
        errors["category"] = _(
            "Choose a disability category: 视力, 听力, 言语, 肢体, 智力, 精神 or 多重."
        )
    if data.grade not in _GRADES:
        errors["grade"] = _("Choose a grade from 一级 to 四级.")
    if data.certificate.strip() and result.id is not None and "category" not in errors:
        try:
            certificate = parse_certificate(
                data.certificate,
                id_number=result.id.number,
                category_digit=data.category,
                grade=data.grade if "grade" not in errors else None,
            )
            result.certificate_suffix = certificate.suffix
        except IdNumberError as error:
            errors["certificate"] = str(error)
    phones = {"phone": data.phone, "guardian_phone": data.guardian_phone}
    clean_phones = {}
    for key, value in phones.items():
        clean_phones[key] = _phone(value) if value.strip() else ""
        if clean_phones[key] and not _PHONE.match(clean_phones[key]):
            errors[key] = _("A phone number is 11 digits for a mobile, or an area code and number.")
    if data.poverty not in _POVERTY:
        errors["poverty"] = _("Choose a poverty status from the list.")
    if data.legal_basis not in _LEGAL_BASES:
        errors["legal_basis"] = _("Choose the legal basis from the list.")
    if data.legal_basis == Person.LegalBasis.CONSENT and data.consent_at is None:
        errors["consent_at"] = _("Record when the person or guardian gave consent.")
    for key, limit in (("address", 200), ("need_note", 200), ("guardian_name", 50)):
        if len(getattr(data, key)) > limit:
            errors[key] = _("This field has at most %(limit)d characters.") % {"limit": limit}
    phone, guardian_phone = clean_phones["phone"], clean_phones["guardian_phone"]
    address = data.address.strip()
    # ``replace`` costs more than the rest of the check; an import's cells are mostly clean.
    if (name, phone, guardian_phone, address) != (
        data.name,
        data.phone,
        data.guardian_phone,
        data.address,
    ):
        result.data = replace(
            data, name=name, phone=phone, guardian_phone=guardian_phone, address=address
        )
    return result


# The fields a person's form or sheet sets directly, stored as they were checked.
CLEAR_FIELDS = (
    "region",
    "township",
    "village",
    "household_number",
    "guardian_name",
    "guardian_relation",
    "poverty",
    *NEED_FIELDS,
    "need_note",
    "legal_basis",
    "consent_at",
    "consent_note",
)
# The clear fields' values at once, in C (an import stores 100,000 people).
_clear_values = attrgetter(*CLEAR_FIELDS)


def stored_fields(
    checked: Checked,
    *,
    ring: crypto.Keyring,
    index: str = "",
    sealer: crypto.FieldSealer | None = None,
) -> dict[str, Any]:
    """What is stored for a checked person, by field name: the clear fields, the ciphertexts,
    the masked forms, the blind index and what may be kept in clear of what the ID number says
    (birth year and sex; never the birth date or birthplace, see ``models.people``).

    The one source of truth for every way a person is written: the form (``_apply``), the
    import's ``bulk_create`` (``build_person``) and its ``COPY`` on PostgreSQL
    (``imports.saving``). ``index`` is the blind index of this number when the caller has
    computed it already (the import does, to find duplicates); ``sealer`` encrypts, when the
    caller stores many people (``crypto.FieldSealer``)."""
    data, number = checked.data, checked.id
    assert number is not None and checked.ok
    phone, address, guardian_phone = data.phone, data.address, data.guardian_phone
    encrypt = sealer or partial(crypto.encrypt, ring=ring)
    fields = {
        "name": data.name,
        "id_number_ct": encrypt(number.number, field="id_number"),
        "id_index": index or crypto.blind_index(number.number, ring=ring),
        "id_masked": mask_id(number.number),
        "birth_year": number.birth_date.year,
        "sex": number.sex,
        "category": data.category,
        "grade": int(data.grade or 0),
        "certificate_suffix": checked.certificate_suffix,
        "phone_ct": encrypt(phone, field="phone"),
        "phone_masked": mask_phone(phone) if phone else "",
        "address_ct": encrypt(address, field="address"),
        "address_masked": mask_text(address),
        "guardian_phone_ct": encrypt(guardian_phone, field="guardian_phone"),
        "guardian_phone_masked": mask_phone(guardian_phone) if guardian_phone else "",
    }
    fields.update(zip(CLEAR_FIELDS, _clear_values(data), strict=True))
    return fields


# Relations among the stored fields, kept by their column (``region`` → ``region_id``).
_RELATIONS = tuple(
    (f.name, f.attname)
    for f in Person._meta.concrete_fields
    if f.is_relation and f.name in CLEAR_FIELDS
)


def stored_columns(
    checked: Checked,
    *,
    ring: crypto.Keyring,
    index: str = "",
    sealer: crypto.FieldSealer | None = None,
) -> dict[str, Any]:
    """``stored_fields`` by column attribute, a relation by its key (``region_id``: the code,
    not the Region): plain values the import sends with ``COPY`` or keeps between its dry run
    and the import (``imports.staging``)."""
    columns = stored_fields(checked, ring=ring, index=index, sealer=sealer)
    for name, attname in _RELATIONS:
        related = columns.pop(name)
        columns[attname] = related.pk if related is not None else None
    return columns


def _apply(person: Person, checked: Checked, ring: crypto.Keyring) -> list[str]:
    """Set every stored field of ``person`` from checked values (ciphertexts included); the
    names set, for ``update_fields``."""
    fields = stored_fields(checked, ring=ring)
    for name, value in fields.items():
        setattr(person, name, value)
    return list(fields)


def build_person(
    *, checked: Checked, organisation: Organisation, by: Actor, ring: crypto.Keyring | None = None
) -> Person:
    """The unsaved row for a checked person (the import saves many at once)."""
    person = Person(organisation=organisation, org_path=organisation.path, created_by=by)
    _apply(person, checked, ring or crypto.keyring())
    return person


def find_by_id_number(queryset: QuerySet[Person], raw: str) -> Person | None:
    """Exact search through the blind index: one indexed lookup, nothing decrypted.

    Neither audited nor limited: for the server's own use (benchmarks, commands). A person's
    search goes through ``services.lookups.find_person``."""
    try:
        number = parse_id_number(raw).number
    except IdNumberError:
        return None
    # Under every blind key: while a blind rotation runs, a row may still have the old index.
    return queryset.filter(id_index__in=crypto.blind_indexes(number)).first()


def require_registry_writer(by: Actor, organisation: Organisation) -> None:
    """Registering people is for those who may both report and see personal data there."""
    if not (
        has_capability(by, Capability.PERSONAL_DATA, organisation)
        and has_capability(by, Capability.REPORT, organisation)
    ):
        raise DomainError(
            _("You are not allowed to keep the registry of %(org)s.") % {"org": organisation.name}
        )


def _raise_first(checked: Checked) -> None:
    if checked.errors:
        key, message = next(iter(checked.errors.items()))
        raise DomainError(message, field=key)


def cannot_register_here() -> str:
    """What a form or an import row says of a number registered out of the person's sight.

    Not "already registered", not where: the find box says "nobody you can see" for the same
    number, and a registration must not tell more. The refusal itself cannot be hidden (one
    person, one row), so it is audited as a keyed token and counted with searches and reveals
    towards the auditors' burst alert (``services.lookups``)."""
    return _(
        "This ID number cannot be registered here. If the person lives in your area, ask the "
        "federation office above you to look into it."
    )


def _refuse_taken(*, by: Actor, number: str, org_path: str) -> NoReturn:
    """Refuse a number whose row exists: plainly when the user can see that row, neutrally
    (audited and counted) otherwise. Raises ``DomainError`` after the audit entry is written
    in its own transaction, so that rolling back the registration keeps the entry."""
    if Person.objects.visible_to(by).filter(id_index__in=crypto.blind_indexes(number)).exists():
        raise DomainError(
            _("A person with this ID number is already registered."), field="id_number"
        )
    with transaction.atomic():
        audit.record(
            by=by,
            action="registry.person.register_refused",
            org_path=org_path,
            changes={"token": audit_token(number)},
        )
        count_lookup(by=by, kind=RegistryLookup.Kind.REFUSED)
    raise DomainError(cannot_register_here(), field="id_number")


class _TakenError(Exception):
    """The number is registered already: raised inside the registration's transaction so that
    it rolls back (the form's token too), then answered by ``_refuse_taken`` outside it."""

    def __init__(self, number: str) -> None:
        super().__init__("taken")
        self.number = number


def register_person(
    *, by: Actor, organisation: Organisation, data: PersonData, token: uuid.UUID | None = None
) -> Person:
    """Add one person. The same ID number twice is refused: one person, one row; outside the
    user's sight without saying so (``cannot_register_here``). ``token``: the form's, so that
    the form sent twice answers with the first one's person, not an error."""
    try:
        with transaction.atomic():
            require_registry_writer(by, organisation)
            checked = check_person(data)
            _raise_first(checked)
            assert checked.id is not None
            number = checked.id.number

            def create() -> Person:
                person = build_person(checked=checked, organisation=organisation, by=by)
                if Person.objects.filter(id_index__in=crypto.blind_indexes(number)).exists():
                    raise _TakenError(number)
                try:
                    with transaction.atomic():  # another form (another token) may register first
                        person.save(force_insert=True)
                except IntegrityError:
                    raise _TakenError(number) from None
                audit.record(by=by, action="registry.person.registered", target=person)
                return person

            return create_once(by=by, token=token, model=Person, create=create)
    except _TakenError as taken:
        _refuse_taken(by=by, number=taken.number, org_path=organisation.path)


def update_person(*, by: Actor, person: Person, version: int, data: PersonData) -> Person:
    """Correct a person's record; a stale form (someone saved first) is refused, and so is a
    number registered to someone else (neutrally when out of sight, as ``register_person``)."""
    with transaction.atomic():
        updated, taken = _update_person(by=by, person=person, version=version, data=data)
    if taken is not None:
        _, number = taken
        _refuse_taken(by=by, number=number, org_path=person.org_path)
    assert updated is not None
    return updated


def _update_person(
    *, by: Actor, person: Person, version: int, data: PersonData
) -> tuple[Person | None, tuple[str, str] | None]:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    require_registry_writer(by, locked.organisation)
    if locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this record while you had it open. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    checked = check_person(data)
    _raise_first(checked)
    assert checked.id is not None
    before_index = locked.id_index
    before = stored_data(locked)
    stored = _apply(locked, checked, crypto.keyring())
    if (
        locked.id_index != before_index
        and Person.objects.filter(id_index__in=crypto.blind_indexes(checked.id.number))
        .exclude(pk=locked.pk)
        .exists()
    ):
        return None, (locked.id_index, checked.id.number)
    locked.version += 1
    locked.save(update_fields=[*stored, "version", "updated_at"])
    # Field names only: the audit log must not become a second copy of the personal data.
    after = replace(checked.data, id_number=checked.id.number if checked.id else "")
    after = replace(after, certificate=after.certificate and normalise(after.certificate))
    changed = [
        name
        for name in PersonData.__dataclass_fields__
        if getattr(before, name) != getattr(after, name)
    ]
    audit.record(
        by=by, action="registry.person.updated", target=locked, changes={"fields": changed}
    )
    return locked, None


def stored_data(person: Person) -> PersonData:
    """The person's record as ``PersonData``, clear values decrypted on the server only.

    The edit form never shows the clear ID number, phones or address (that is a reveal, with a
    reason): a field left empty there keeps what is stored, and this is where it comes from.
    """
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    return PersonData(
        name=person.name,
        id_number=number,
        category=person.category,
        grade=person.grade,
        certificate=number + person.certificate_suffix if person.certificate_suffix else "",
        phone=crypto.decrypt(person.phone_ct, field="phone"),
        address=crypto.decrypt(person.address_ct, field="address"),
        region=person.region,
        township=person.township,
        village=person.village,
        household_number=person.household_number,
        guardian_name=person.guardian_name,
        guardian_relation=person.guardian_relation,
        guardian_phone=crypto.decrypt(person.guardian_phone_ct, field="guardian_phone"),
        poverty=person.poverty,
        need_income_fell=person.need_income_fell,
        need_no_guardian=person.need_no_guardian,
        need_no_care=person.need_no_care,
        need_other=person.need_other,
        need_note=person.need_note,
        legal_basis=person.legal_basis,
        consent_at=person.consent_at,
        consent_note=person.consent_note,
    )
