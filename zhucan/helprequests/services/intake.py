"""A request arrives from the public form: checked, sealed, routed, numbered, given deadlines.

The visitor is not signed in (``by=None``): the audit entry names "system" as the actor and
says ``source: public_form``, with the address it came from (the audit context).
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services.deadlines import due_dates
from zhucan.orgs.models import Organisation, Region
from zhucan.registry import crypto
from zhucan.registry.idnumbers import (
    IdNumberError,
    mask_id,
    mask_phone,
    mask_text,
    normalise,
    parse_id_number,
)

# Unguessable on its own: 10 characters of base32 (50 random bits) after a prefix people can
# read out on the phone. Base32 has no 0/1/8/9, so nothing is misread as O, I or B.
PREFIX = "QZ"
NUMBER_LENGTH = 10
NUMBER_PATTERN = re.compile(r"^QZ[A-Z2-7]{10}$")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

# A real family asks once or twice; these stop a script, not a person.
PER_PHONE_PER_DAY = 3
PER_ADDRESS_PER_HOUR = 10

PHONE = re.compile(r"^(1\d{10}|0\d{9,11})$")
MAX_TEXT = 2000
MAX_PLACE = 100
MAX_NAME = 30

RESPONSIBLE_KINDS = (Organisation.Kind.COMMITTEE, Organisation.Kind.FEDERATION)
# Where the region walk stops going down: routing is by county.
_BELOW_COUNTY = (Region.Level.TOWNSHIP, Region.Level.VILLAGE)


@dataclass(frozen=True)
class RequestInput:
    """What the visitor typed, in clear, not yet checked."""

    kind: str
    phone: str
    description: str
    region: Region | None = None
    place: str = ""
    preferred_time: str = ""
    contact: str = HelpRequest.Contact.PHONE
    name: str = ""
    id_number: str = ""
    consent: bool = False
    on_behalf: bool = False
    # The township office the requester chose (``township_offices``), if they knew it.
    township_office: Organisation | None = None


def clean_phone(raw: str) -> str:
    """The digits of a phone number as typed ("138 0000 1234", "0375-1234567")."""
    return re.sub(r"[\s\-－()（）]", "", normalise(raw or ""))


def phone_index(phone: str) -> str:
    # Field-tagged so that a phone and an ID number never share an index value.
    return crypto.blind_index("phone:" + clean_phone(phone))


def client_index(address: str | None) -> str:
    return crypto.blind_index("client:" + address) if address else ""


def new_number() -> str:
    return PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(NUMBER_LENGTH))


def responsible_organisation(region: Region | None, fallback: Organisation) -> Organisation:
    """The county's committee (or federation) for ``region``; with none, the nearest one above;
    with no region at all, ``fallback`` (the site the form was filled in on)."""
    current = region
    while current is not None and current.level in _BELOW_COUNTY:
        current = current.parent
    while current is not None:
        found = [
            org
            for org in Organisation.objects.filter(
                region=current, kind__in=RESPONSIBLE_KINDS, is_active=True
            ).order_by("id")
        ]
        if found:
            return sorted(found, key=lambda org: RESPONSIBLE_KINDS.index(org.kind))[0]
        current = current.parent
    return fallback


def township_offices(organisation: Organisation) -> list[Organisation]:
    """The township and street offices (乡镇人民政府、街道办事处) in the organisation tree below
    ``organisation``: the standard region data stops at the county, so these are the townships
    a requester can choose, and a choice sends the request straight to that office."""
    found = Organisation.objects.filter(
        path__startswith=organisation.path,
        kind=Organisation.Kind.GOVERNMENT,
        is_active=True,
    ).exclude(pk=organisation.pk)
    return list(found.order_by("sort_path"))


def _office(data: RequestInput, organisation: Organisation) -> Organisation | None:
    office = data.township_office
    if office is None:
        return None
    if office not in township_offices(organisation):
        raise DomainError(
            _("Choose a township or street office from the list, or “Not sure”."),
            field="township_office",
        )
    return office


def _check(data: RequestInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in HelpRequest.Kind.values:
        errors["kind"] = _("Choose what help is needed.")
    if data.contact not in HelpRequest.Contact.values:
        errors["contact"] = _("Choose how we should reach you.")
    if not PHONE.match(clean_phone(data.phone)):
        errors["phone"] = _(
            "Write a phone number we can reach you on: 11 digits for a mobile, such as "
            "13800001234, or an area code and number, such as 0375-1234567."
        )
    description = data.description.strip()
    if len(description) < 4:
        errors["description"] = _("Say in a few words what help is needed.")
    elif len(description) > MAX_TEXT:
        errors["description"] = _("Keep it to %(n)d characters.") % {"n": MAX_TEXT}
    if len(data.place.strip()) > MAX_PLACE:
        errors["place"] = _("Keep it to %(n)d characters.") % {"n": MAX_PLACE}
    if len(data.name.strip()) > MAX_NAME:
        errors["name"] = _("Keep it to %(n)d characters.") % {"n": MAX_NAME}
    if data.id_number.strip():
        try:
            parse_id_number(data.id_number)
        except IdNumberError as error:
            errors["id_number"] = str(error)
    if (data.name.strip() or data.id_number.strip()) and not data.consent:
        errors["consent"] = _(
            "You gave a name or an ID number: tick the box to agree that we use them to find "
            "the person's record, or leave them empty."
        )
    return errors


def _over_limits(phone_idx: str, client_idx: str) -> bool:
    now = timezone.now()
    by_phone = HelpRequest.objects.filter(
        phone_index=phone_idx, received_at__gte=now - timedelta(days=1)
    ).exclude(status__in=HelpRequest.FINISHED)
    if by_phone.count() >= PER_PHONE_PER_DAY:
        return True
    if client_idx:
        by_address = HelpRequest.objects.filter(
            client_index=client_idx, received_at__gte=now - timedelta(hours=1)
        )
        if by_address.count() >= PER_ADDRESS_PER_HOUR:
            return True
    return False


def _sealed(data: RequestInput) -> dict[str, object]:
    phone = clean_phone(data.phone)
    fields: dict[str, object] = {
        "phone_ct": crypto.encrypt(phone, field="help_phone"),
        "phone_index": phone_index(phone),
        "phone_masked": mask_phone(phone),
        "place_ct": crypto.encrypt(data.place.strip(), field="help_place"),
        "place_masked": mask_text(data.place),
        "name_ct": crypto.encrypt(data.name.strip(), field="help_name"),
        "name_masked": (data.name.strip()[:1] + "**") if data.name.strip() else "",
        "description_ct": crypto.encrypt(data.description.strip(), field="help_description"),
    }
    if data.id_number.strip():
        number = parse_id_number(data.id_number).number
        fields |= {
            "id_number_ct": crypto.encrypt(number, field="help_id_number"),
            "id_index": crypto.blind_index(number),
            "id_masked": mask_id(number),
        }
    return fields


@transaction.atomic
def submit_request(
    *,
    by: Actor | None,
    site: Organisation,
    data: RequestInput,
    token: uuid.UUID | None,
    address: str | None,
    spam_reason: str = "",
) -> HelpRequest:
    """File a request from the public form on ``site``'s pages; return it. ``by`` is None:
    the visitor is not signed in (a clerk typing a request taken by phone would be ``by``).

    ``token``: the form's; the form sent again (or several times at once) returns the first
    request and makes no other. ``address``: the client's (``core.net.client_ip``), kept only
    as a keyed hash for the rate limit. ``spam_reason``: set by the form when a robot gave
    itself away (the hidden field filled, sent too fast); the request is kept, quietly, on the
    spam list a coordinator reviews, and the visitor is told nothing different.
    """
    if token is not None:
        earlier = HelpRequest.objects.filter(form_token=token).first()
        if earlier is not None:
            return earlier
    errors = _check(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    phone_idx, client_idx = phone_index(data.phone), client_index(address)
    if _over_limits(phone_idx, client_idx):
        raise DomainError(
            _(
                "We already have several requests from this phone or this place today. We will "
                "call you back: there is no need to ask again. If it is urgent, call the "
                "number at the foot of this page."
            )
        )
    organisation = responsible_organisation(data.region, site)
    # A chosen township office works on it at once; the county still owns it, sees it and can
    # give it to another office. Spam goes to no office: the county reviews it first.
    office = None if spam_reason else _office(data, organisation)
    now = timezone.now()
    acknowledge_due, answer_due = due_dates(organisation, timezone.localdate(now))
    values = {
        "kind": data.kind,
        "on_behalf": data.on_behalf,
        "organisation": organisation,
        "org_path": organisation.path,
        "region": data.region,
        "preferred_time": data.preferred_time.strip()[:60],
        "contact": data.contact,
        "consent_at": now if (data.name.strip() or data.id_number.strip()) else None,
        "acknowledge_due": acknowledge_due,
        "answer_due": answer_due,
        "assigned_to": office,
        "assigned_at": now if office else None,
        "form_token": token,
        "client_index": client_idx,
        "status": HelpRequest.Status.SPAM if spam_reason else HelpRequest.Status.RECEIVED,
        "spam_reason": spam_reason[:200],
        **_sealed(data),
    }
    for _attempt in range(5):
        try:
            # A savepoint: a parallel send of the same form, or (once in 10^15) the same
            # number, fails here alone, and the loser reads the winner's row.
            with transaction.atomic():
                made = HelpRequest.objects.create(number=new_number(), **values)
        except IntegrityError:
            if token is not None:
                earlier = HelpRequest.objects.filter(form_token=token).first()
                if earlier is not None:
                    return earlier
            continue
        break
    else:  # pragma: no cover - five colliding random numbers in a row
        raise RuntimeError("could not find a free request number")
    audit.record(
        by=by,
        action="helprequests.request.submitted",
        target=made,
        changes={
            "source": "public_form",
            "site": site.pk,
            "organisation": organisation.pk,
            "kind": made.kind,
            "region": data.region.pk if data.region else None,
            "assigned_to": office.pk if office else None,
            "spam": bool(spam_reason),
        },
    )
    return made
