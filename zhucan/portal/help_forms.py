"""The public help-request forms: what a visitor fills in, with a hint and an example for every
field, and the checks that tell them in plain words what to change."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from zhucan.core.forms import CreateForm, Form
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services.intake import PHONE, clean_phone
from zhucan.orgs.models import Organisation, Region
from zhucan.registry.idnumbers import IdNumberError, parse_id_number

_SALT = "zhucan.portal.help_form"
# A person reads the form and types: no one sends it this fast. A robot does.
MIN_SECONDS = 3.0


def started_stamp() -> str:
    return signing.dumps(time.time(), salt=_SALT)


def seconds_since(stamp: str) -> float | None:
    """How long ago the form was drawn, or None when the stamp is missing or forged."""
    try:
        started = float(signing.loads(stamp, salt=_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


def _text(label: Any, hint: Any, *, required: bool = False, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        widget=forms.TextInput(attrs=attrs),
    )


class HelpRequestForm(CreateForm):
    kind = forms.ChoiceField(
        label=_("What kind of help"),
        choices=HelpRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what help is needed.")},
    )
    region = forms.ChoiceField(
        label=_("Where do you live"),
        help_text=_("Choose the place nearest to you. For example: 新华区 or 光明路街道"),
        error_messages={
            "required": _("Choose where you live."),
            "invalid_choice": _("Choose where you live from the list."),
        },
    )
    township_office = forms.ChoiceField(
        label=_("Your township or street (if you know it)"),
        help_text=_(
            "We send your request straight to its office. Not sure? Choose “Not sure”, and "
            "write the village or street below if you like. For example: 光明路街道办事处"
        ),
        required=False,
        error_messages={"invalid_choice": _("Choose a township or street from the list.")},
    )
    place = _text(
        _("Village, street or address (if you like)"),
        _("For example: 焦店镇王庄村 or 建设路 12 号"),
        autocomplete="street-address",
        maxlength=100,
    )
    phone = _text(
        _("Your phone number"),
        _("We call or text you on it. For example: 13800001234"),
        required=True,
        type="tel",
        inputmode="tel",
        autocomplete="tel",
        maxlength=20,
    )
    preferred_time = _text(
        _("Best time to reach you (if you like)"),
        _("For example: 工作日下午"),
        autocomplete="off",
        maxlength=60,
    )
    contact = forms.ChoiceField(
        label=_("How should we reach you"),
        choices=HelpRequest.Contact.choices,
        initial=HelpRequest.Contact.PHONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we should reach you.")},
    )
    on_behalf = forms.BooleanField(
        label=_("I am asking for someone else (a family member, a neighbour)"), required=False
    )
    name = _text(
        _("Name of the person who needs help (if you like)"),
        _("For example: 李秀英"),
        autocomplete="name",
        maxlength=30,
    )
    id_number = _text(
        _("Their ID number (if you like)"),
        _("For example: 410402198503120021. We use it only to find their record with us."),
        autocomplete="off",
        maxlength=20,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the disability work office uses this name and ID number to find the "
            "person's record and to help them, and for nothing else."
        ),
        required=False,
    )
    description = forms.CharField(
        label=_("Tell us what is needed"),
        help_text=_(
            "Say it in your own words; you can speak it into the phone. For example: "
            "我母亲行动不便，家里收入减少，想申请帮扶。"
        ),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "maxlength": 2000}),
        error_messages={"required": _("Say in a few words what help is needed.")},
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The trap for robots: rendered off screen, hidden from screen readers and the keyboard.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(
        self,
        *args: Any,
        regions: list[Region],
        offices: list[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in regions}
        field: Any = self.fields["region"]
        field.choices = [("", _("Choose")), *((r.code, r.name) for r in regions)]
        # The township step: only once a county is chosen, and only if it has offices listed.
        self.offices = {str(office.pk): office for office in offices or []}
        if self.offices:
            office_field: Any = self.fields["township_office"]
            office_field.choices = [
                ("", _("Not sure")),
                *((key, office.name) for key, office in self.offices.items()),
            ]
        else:
            del self.fields["township_office"]
        self.fields["phone"].error_messages["required"] = _("Write your phone number.")

    def keep_as_typed(self) -> None:
        """Show what was sent without checking it: the visitor only changed the text size or
        the language, and is not done typing, so nothing is wrong yet."""
        self._errors = ErrorDict()

    def clean_township_office(self) -> Organisation | None:
        return self.offices.get(self.cleaned_data["township_office"] or "")

    def clean_region(self) -> Region:
        return self.regions[self.cleaned_data["region"]]

    def clean_phone(self) -> str:
        phone = clean_phone(self.cleaned_data["phone"])
        if not PHONE.match(phone):
            raise forms.ValidationError(
                _(
                    "Write a phone number we can reach you on: 11 digits for a mobile, such as "
                    "13800001234, or an area code and number, such as 0375-1234567."
                )
            )
        return phone

    def clean_id_number(self) -> str:
        raw = str(self.cleaned_data["id_number"]).strip()
        if raw:
            try:
                parse_id_number(raw)
            except IdNumberError as error:
                raise forms.ValidationError(str(error)) from error
        return raw

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = (data.get("name") or "").strip() or (data.get("id_number") or "").strip()
        if given and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "You gave a name or an ID number: tick the box to agree that we use them to "
                    "find the person's record, or leave them empty."
                ),
            )
        return data


class LookupForm(Form):
    number = _text(
        _("Request number"),
        _("On the page you saw after sending, and in our text message. For example: QZ7K2MBXQ4PA"),
        required=True,
        autocomplete="off",
        maxlength=20,
        autocapitalize="characters",
    )
    phone = _text(
        _("Your phone number"),
        _("The one you gave with the request. For example: 13800001234"),
        required=True,
        type="tel",
        inputmode="tel",
        autocomplete="tel",
        maxlength=20,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["required"] = _("Write the request number.")
        self.fields["phone"].error_messages["required"] = _("Write your phone number.")


class PhoneCodeForm(Form):
    """The code sent by text message, typed back (``helprequests.services.phone_check``)."""

    code = _text(
        _("The 6-digit code from the text message"),
        _("For example: 428193"),
        required=True,
        inputmode="numeric",
        autocomplete="one-time-code",
        maxlength=6,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = _("Type the code from the text message.")

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("The code is 6 digits, such as 428193."))
        return code

    @staticmethod
    def problem(outcome: str) -> str:
        """What to tell the requester when the code did not work."""
        if outcome == "wrong":
            return str(_("That code is not right. Check the text message and type it again."))
        return str(
            _(
                "This code no longer works: it is more than 10 minutes old or was tried too "
                "often. Send a new code."
            )
        )
