"""Forms of the register. They check what was typed; the services check the rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.campaigns.models import Campaign
from zhucan.core.forms import CreateForm, DateInput, Form
from zhucan.orgs.models import Department, Organisation
from zhucan.registry.models import Assistance, EducationCase, Person, Township
from zhucan.registry.models.people import NEED_FLAGS
from zhucan.registry.services.assistance import AssistanceInput
from zhucan.registry.services.education import CaseInput
from zhucan.registry.services.people import PersonData
from zhucan.registry.services.privacy import PURPOSES, REVEALABLE
from zhucan.registry.townships import matcher_for

YUAN = {
    "invalid": gettext_lazy("Enter an amount in yuan, such as 1200 or 1200.50."),
    "min_value": gettext_lazy("Enter 0 or more."),
    "max_decimal_places": gettext_lazy("Enter at most two decimals, such as 1200.50."),
    "max_digits": gettext_lazy("Enter a smaller amount."),
    "max_whole_digits": gettext_lazy("Enter a smaller amount."),
}
DATE = {"invalid": gettext_lazy("Enter a date such as 2020-05-17.")}
NEED_CHOICES = [
    ("", gettext_lazy("Any")),
    ("any", gettext_lazy("Any need")),
    ("need_income_fell", gettext_lazy("income fell because of the epidemic")),
    ("need_no_guardian", gettext_lazy("lacks guardianship")),
    ("need_no_care", gettext_lazy("lacks care")),
    ("need_other", gettext_lazy("other need")),
]


def _any(choices: list[Any]) -> list[tuple[Any, Any]]:
    return [("", gettext_lazy("Any")), *choices]


class PersonFilterForm(Form):
    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=50)
    category = forms.ChoiceField(
        label=gettext_lazy("Disability category"),
        required=False,
        choices=_any(Person.Category.choices),
    )
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_any(Person.Grade.choices),
    )
    need = forms.ChoiceField(label=gettext_lazy("Need"), required=False, choices=NEED_CHOICES)
    poverty = forms.ChoiceField(
        label=gettext_lazy("Poverty status"),
        required=False,
        choices=_any(Person.Poverty.choices),
    )
    township = forms.CharField(label=gettext_lazy("Township"), required=False, max_length=60)

    def clean_q(self) -> str:
        q: str = self.cleaned_data["q"].strip()
        if sum(c.isdigit() for c in q) >= 6:
            # A number typed here would travel in the address and the server's logs.
            raise forms.ValidationError(
                _(
                    "Search ID numbers in the “Find by ID number” box, which keeps them out "
                    "of web addresses."
                )
            )
        return q


class FindForm(Form):
    id_number = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        help_text=gettext_lazy("The whole 18-character number; an exact match only."),
        error_messages={"required": gettext_lazy("Enter the ID number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class PersonForm(CreateForm):
    """New and edit. On edit the encrypted fields start empty: empty keeps what is stored."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation of residence"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose the organisation"),
        error_messages={"required": gettext_lazy("Choose the organisation.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=50,
        error_messages={"required": gettext_lazy("Enter the person's name.")},
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Enter the ID number.")},
    )
    certificate = forms.CharField(
        label=gettext_lazy("Disability certificate number"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("The ID number followed by the category and grade digits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Disability category"),
        choices=[("", gettext_lazy("Choose a category")), *Person.Category.choices],
        error_messages={"required": gettext_lazy("Choose a disability category.")},
    )
    grade = forms.TypedChoiceField(
        label=gettext_lazy("Grade"),
        coerce=int,
        choices=[("", gettext_lazy("Choose a grade")), *Person.Grade.choices],
        error_messages={"required": gettext_lazy("Choose a grade.")},
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=200)
    township = forms.CharField(label=gettext_lazy("Township"), required=False, max_length=60)
    village = forms.CharField(label=gettext_lazy("Village"), required=False, max_length=60)
    household_number = forms.CharField(
        label=gettext_lazy("Household number"), required=False, max_length=30
    )
    guardian_name = forms.CharField(
        label=gettext_lazy("Guardian or carer"), required=False, max_length=50
    )
    guardian_relation = forms.CharField(
        label=gettext_lazy("Relation"), required=False, max_length=20
    )
    guardian_phone = forms.CharField(
        label=gettext_lazy("Guardian's phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    poverty = forms.ChoiceField(
        label=gettext_lazy("Poverty status"),
        choices=Person.Poverty.choices,
        initial=Person.Poverty.NONE,
    )
    need_income_fell = forms.BooleanField(
        label=gettext_lazy("Income fell because of the epidemic"), required=False
    )
    need_no_guardian = forms.BooleanField(label=gettext_lazy("Lacks guardianship"), required=False)
    need_no_care = forms.BooleanField(label=gettext_lazy("Lacks care"), required=False)
    need_other = forms.BooleanField(label=gettext_lazy("Other need"), required=False)
    need_note = forms.CharField(
        label=gettext_lazy("About the need"), required=False, max_length=200
    )
    legal_basis = forms.ChoiceField(
        label=gettext_lazy("Legal basis for keeping this record"),
        choices=Person.LegalBasis.choices,
        initial=Person.LegalBasis.STATUTORY,
    )
    consent_at = forms.DateTimeField(
        label=gettext_lazy("Consent given on"),
        required=False,
        help_text=gettext_lazy("Needed when the legal basis is consent, e.g. 2020-05-17 09:30."),
        error_messages={"invalid": gettext_lazy("Enter a date and time such as 2020-05-17 09:30.")},
    )
    consent_note = forms.CharField(
        label=gettext_lazy("About the consent"), required=False, max_length=200
    )

    SECRET = ("id_number", "certificate", "phone", "address", "guardian_phone")

    def __init__(self, *args: Any, organisations: Any, person: Person | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.person = person
        # The listed townships are offered as the person types (a datalist: a county's list
        # may be long, and a phone's keyboard is quicker than a select of 40 names); ``clean``
        # holds the name to the list of the organisation the person lives in.
        listed = Township.objects.filter(
            organisation__in=[person.organisation] if person else organisations
        ).values_list("name", flat=True)
        self.township_names = sorted(set(listed))
        if self.township_names:
            self.fields["township"].widget.attrs["list"] = "township-names"
            self.fields["township"].help_text = _(
                "A township or street on the list of the organisation."
            )
        if person is None:
            self.fields["organisation"].queryset = organisations.order_by("sort_path", "pk")  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
            self.fields["id_number"].required = False
            hints = {
                "id_number": person.id_masked,
                "certificate": person.id_masked + person.certificate_suffix
                if person.certificate_suffix
                else "",
                "phone": person.phone_masked,
                "address": person.address_masked,
                "guardian_phone": person.guardian_phone_masked,
            }
            for name, masked in hints.items():
                self.fields[name].help_text = (
                    _("Recorded: %(masked)s. Leave empty to keep it.") % {"masked": masked}
                    if masked
                    else _("Nothing recorded. Leave empty to keep it so.")
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation = self.person.organisation if self.person else data.get("organisation")
        written = (data.get("township") or "").strip()
        if organisation is not None and written:
            matcher = matcher_for(organisation)
            listed = matcher.match(written) if matcher else written
            if listed is None and not (self.person and written == self.person.township):
                self.add_error(
                    "township",
                    _(
                        "“%(name)s” is not on the township list of %(org)s. Choose a listed "
                        "name, or add it on the townships page."
                    )
                    % {"name": written[:30], "org": organisation.name},
                )
            elif listed:
                data["township"] = listed
        return data

    def to_data(self, stored: PersonData | None) -> PersonData:
        data = self.cleaned_data
        values = {name: data[name] for name in PersonData.__dataclass_fields__ if name in data}
        values["grade"] = data.get("grade")
        if stored is None:
            return PersonData(**values)
        for name in self.SECRET:
            if not (values.get(name) or "").strip():
                values[name] = getattr(stored, name)
        return replace(stored, **values)


def person_initial(person: Person) -> dict[str, Any]:
    names = [
        "name",
        "category",
        "grade",
        "township",
        "village",
        "household_number",
        "guardian_name",
        "guardian_relation",
        "poverty",
        *NEED_FLAGS,
        "need_note",
        "legal_basis",
        "consent_at",
        "consent_note",
        "version",
    ]
    return {name: getattr(person, name) for name in names}


class RevealForm(Form):
    details = forms.MultipleChoiceField(
        label=gettext_lazy("Details to see"),
        choices=list(REVEALABLE.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose which details you need to see.")},
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("Why you need to see them"),
        choices=list(PURPOSES.items()),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Written to the audit log with your name and the time."),
        error_messages={"required": gettext_lazy("Choose why you need to see these details.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Needed for “other”, e.g. “phoning the guardian about a wheelchair”. Never a "
            "number of the person's: no ID or phone number, not even part of one."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["details"].initial = list(REVEALABLE)


class EraseForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the record is erased"),
        max_length=200,
        help_text=gettext_lazy(
            "For example the date and reference of the person's request. Do not write the "
            "person's details here."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why the record is erased.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the personal data cannot be recovered."),
        error_messages={"required": gettext_lazy("Confirm that you understand.")},
    )


class AssistanceForm(CreateForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Given by"),
        queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose the organisation"),
        error_messages={"required": gettext_lazy("Choose the organisation that gave it.")},
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of help"),
        choices=[("", gettext_lazy("Choose the kind")), *Assistance.Kind.choices],
        error_messages={"required": gettext_lazy("Choose the kind of help.")},
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages=YUAN,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    given_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput, error_messages=DATE)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("What was given. Do not repeat the person's details here."),
    )

    def __init__(self, *args: Any, organisations: Any, campaigns: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]

    def to_input(self) -> AssistanceInput:
        data = self.cleaned_data
        return AssistanceInput(
            kind=data["kind"],
            given_on=data["given_on"],
            amount=data.get("amount") or Decimal(0),
            note=data.get("note") or "",
        )


class VisitSearchForm(Form):
    q = forms.CharField(
        label=gettext_lazy("Name or ID number"),
        max_length=50,
        help_text=gettext_lazy("Part of a name, or a whole ID number."),
        error_messages={"required": gettext_lazy("Enter a name or an ID number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class VisitPeopleForm(Form):
    people = forms.TypedMultipleChoiceField(
        label=gettext_lazy("People visited"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one person.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of help"),
        choices=Assistance.Kind.choices,
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount per person (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages=YUAN,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    given_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput, error_messages=DATE)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["people"].choices = choices  # type: ignore[attr-defined]

    def to_input(self) -> AssistanceInput:
        data = self.cleaned_data
        return AssistanceInput(
            kind=data["kind"], given_on=data["given_on"], amount=data.get("amount") or Decimal(0)
        )


class SchoolYearForm(Form):
    year = forms.IntegerField(
        label=gettext_lazy("School year (the year its autumn term starts)"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CaseFilterForm(Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=_any(EducationCase.Status.choices)
    )
    placement = forms.ChoiceField(
        label=gettext_lazy("Plan"), required=False, choices=_any(EducationCase.Placement.choices)
    )
    school_year = forms.IntegerField(
        label=gettext_lazy("School year"), required=False, min_value=2000, max_value=2100
    )


class CaseForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=EducationCase.Status.choices)
    placement = forms.ChoiceField(
        label=gettext_lazy("Plan"),
        required=False,
        choices=[("", gettext_lazy("Not yet decided")), *EducationCase.Placement.choices],
    )
    school = forms.CharField(label=gettext_lazy("School"), required=False, max_length=100)
    education_office = forms.ModelChoiceField(
        label=gettext_lazy("Responsible education office"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not yet named"),
    )
    federation_office = forms.ModelChoiceField(
        label=gettext_lazy("Responsible federation office"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not yet named"),
    )
    enrolled_on = forms.DateField(
        label=gettext_lazy("Enrolled on"), required=False, widget=DateInput, error_messages=DATE
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, offices: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["education_office"].queryset = offices.filter(department=Department.EDUCATION)  # type: ignore[attr-defined]
        self.fields["federation_office"].queryset = offices.filter(  # type: ignore[attr-defined]
            kind__in=[Organisation.Kind.FEDERATION, Organisation.Kind.COMMITTEE]
        ) | offices.filter(department=Department.FEDERATION)

    def to_input(self) -> CaseInput:
        data = self.cleaned_data
        return CaseInput(
            status=data["status"],
            placement=data.get("placement") or "",
            school=data.get("school") or "",
            education_office=data.get("education_office"),
            federation_office=data.get("federation_office"),
            enrolled_on=data.get("enrolled_on"),
            note=data.get("note") or "",
        )


def case_initial(case: EducationCase) -> dict[str, Any]:
    return {
        "version": case.version,
        "status": case.status,
        "placement": case.placement,
        "school": case.school,
        "education_office": case.education_office_id,
        "federation_office": case.federation_office_id,
        "enrolled_on": case.enrolled_on,
        "note": case.note,
    }
