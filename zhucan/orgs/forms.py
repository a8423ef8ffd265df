"""Forms for the organisation tree, the people in it and the Excel import.

Forms only shape input; the rules live in ``zhucan.orgs.services`` and reach the page through
``apply_domain_error``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhucan.core.forms import CreateForm, Form
from zhucan.orgs.models import Department, Membership, Organisation

NOT_FOUND = _("That organisation was not found, or you may not place units under it.")


class ParentChoiceField(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        # Full-width spaces indent the tree in the list; screen readers skip them.
        return "\u3000" * min(obj.depth, 8) + obj.name


class OrganisationSearchForm(Form):
    STATUS_CHOICES = [
        ("active", _("Active")),
        ("inactive", _("Deactivated")),
        ("all", _("All")),
    ]

    q = forms.CharField(label=_("Name, short name or region code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)


class OrganisationForm(CreateForm):
    """Create a unit under a parent, or edit one (then with the version and maybe a parent)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        choices=[("", _("None")), *Department.choices],
        help_text=_("Required for member units: the department that sits on the committee."),
    )
    # Not limited to six characters here, so that the service can say what is wrong.
    region = forms.CharField(
        label=_("Region code"),
        max_length=20,
        help_text=_(
            "Six digits (GB/T 2260), for example 410402 for 新华区. It must lie in the parent's "
            "region."
        ),
    )
    issuer_code = forms.CharField(
        label=_("Document issuer code"),
        max_length=20,
        required=False,
        help_text=_("The short form in document numbers, for example 平残工委."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    member_position = forms.IntegerField(
        label=_("Place in the committee's member list"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_(
            "Only when the committee lists its members in another order than the usual one "
            "(民政, 人社, 卫健, 医保, 教育 …): 1 for the first. Lists show members with a place "
            "first, then the others in the usual order."
        ),
    )

    def __init__(
        self,
        *args: Any,
        parent_queryset: Any = None,
        moving_org: Organisation | None = None,
        with_version: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["phone"].widget.input_type = "tel"
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if parent_queryset is not None:
            field = ParentChoiceField(
                label=_("Parent organisation"),
                queryset=parent_queryset.in_order(),
                error_messages={"invalid_choice": NOT_FOUND},
                empty_label=None,
                help_text=_("Moving an organisation moves every unit under it too."),
            )
            if moving_org is not None:
                # The list leaves out the organisation's own subtree; a posted id from there is
                # still accepted by the field so that the service can explain the cycle.
                field.widget.choices = [
                    (org.pk, field.label_from_instance(org))
                    for org in parent_queryset.in_order().exclude(path__startswith=moving_org.path)
                ]
            self.fields["parent"] = field
            self.order_fields(["name", "short_name", "kind", "department", "parent", "region"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "short_name": data.get("short_name", ""),
            "kind": data["kind"],
            "department": data.get("department", ""),
            "region_code": data["region"],
            "issuer_code": data.get("issuer_code", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "member_position": data.get("member_position"),
        }


def generate_initial_password() -> str:
    """A password a person can read out over the phone: no 0/O, 1/l/I; letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


class PersonForm(CreateForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to sign in. Letters, digits and @ . + - _ only."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to have one made up for you; it is shown once, on the next page."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.password_generated = False

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        if not password:
            self.password_generated = True
            return generate_initial_password()
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Checked here as well as in the service so that the error sits on the field at once.
        if data.get("password") and not self.password_generated:
            try:
                validate_password(data["password"])
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class GrantRoleForm(Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("The person must already belong to an organisation in your jurisdiction."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ReactivateForm(Form):
    include_units = forms.BooleanField(
        label=_("Also reactivate the deactivated units under it"), required=False
    )


class ImportUploadForm(Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template. At most 5 MB and 5,000 rows."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    skip_existing = forms.BooleanField(
        label=_("Skip organisations that already exist (same name under the same parent)"),
        required=False,
    )


class ImportConfirmForm(ImportUploadForm):
    """The second upload: the same file again, bound to the report by its digest."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I have checked the report: import now"),
        error_messages={"required": _("Tick the box to confirm that you have checked the report.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choice is part of what was checked; it travels with the digest.
        self.fields["skip_existing"].widget = forms.HiddenInput()
        self.order_fields(["file", "confirm"])
