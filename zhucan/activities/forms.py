"""Forms for activity reports. They check what a person typed; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.dates import CONFIRM_FIELD, add_confirm_field_if_sent
from zhucan.activities.figures import FIGURES
from zhucan.activities.figures import names as figure_names
from zhucan.activities.models import ActivityReport, Category, Indicator, Mode, Visit
from zhucan.activities.selectors import ReportChoices
from zhucan.activities.services import ReportInput, VisitInput
from zhucan.activities.services.reports import HOUSEHOLDS_CODE
from zhucan.core.forms import DateInput, Form

TEXT_MAX = 5000
HOUSEHOLDS_HELP = gettext_lazy(
    "When you list visits to families below, this is their households added up: you need not "
    "enter it twice."
)
WHOLE = {
    "invalid": gettext_lazy("Enter a whole number, such as 12."),
    "min_value": gettext_lazy("Enter 0 or more."),
    "max_value": gettext_lazy("Enter a smaller number."),
}
YUAN = {
    "invalid": gettext_lazy("Enter an amount in yuan, such as 1200 or 1200.50."),
    "min_value": gettext_lazy("Enter 0 or more."),
    "max_decimal_places": gettext_lazy("Enter at most two decimals, such as 1200.50."),
    "max_digits": gettext_lazy("Enter a smaller amount."),
    "max_whole_digits": gettext_lazy("Enter a smaller amount."),
}


def whole_number(label: Any, *, required: bool = False, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=2_000_000_000,
        help_text=help_text,
        error_messages=WHOLE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def yuan(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=YUAN,
        # A text input: a number input would drop "12.345" before the server could explain.
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _choose(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class ReportForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[*_choose(gettext_lazy("Choose a category")), *Category.choices],
        error_messages={"required": gettext_lazy("Choose a category.")},
    )
    title = forms.CharField(
        label=gettext_lazy("Activity"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the activity a title.")},
    )
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=DateInput,
        error_messages={"invalid": gettext_lazy("Enter a date such as 2020-05-17.")},
    )
    end_date = forms.DateField(
        label=gettext_lazy("End date"),
        widget=DateInput,
        error_messages={"invalid": gettext_lazy("Enter a date such as 2020-05-17.")},
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Online or in person"),
        choices=[*_choose(gettext_lazy("Choose one")), *Mode.choices],
        error_messages={"required": gettext_lazy("Choose online or in person.")},
    )
    # Here come the report's fixed figures (activities.figures), put in by ``_figure_fields``.
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a region from the list.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    safety_measures = forms.CharField(
        label=gettext_lazy("Safety measures taken"),
        required=False,
        max_length=TEXT_MAX,
        help_text=gettext_lazy("For an activity where people met in person."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_activity = forms.TypedChoiceField(
        label=gettext_lazy("Planned activity carried out"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose an activity of your plan.")},
    )
    duties = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Duties in the notice this activity served"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose duties of this notice.")},
    )

    def __init__(self, *args: Any, choices: ReportChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self._set_choices("region", [("", _("Not stated"))], choices.regions.items(), "name")
        self.fields["planned_activity"].choices = [  # type: ignore[attr-defined]
            ("", _("Not one of the planned activities")),
            *((pk, f"{p.title}（{p.start_date:%Y-%m-%d}）") for pk, p in choices.planned.items()),
        ]
        self.fields["duties"].choices = [  # type: ignore[attr-defined]
            (pk, f"{d.number}. {d.text}") for pk, d in choices.duties.items()
        ]
        for indicator in choices.indicators:
            self.fields[f"indicator_{indicator.pk}"] = (
                yuan(indicator.name)
                if indicator.unit == Indicator.Unit.YUAN
                else whole_number(
                    indicator.name,
                    help_text=HOUSEHOLDS_HELP if indicator.code == HOUSEHOLDS_CODE else "",
                )
            )

        add_confirm_field_if_sent(self)

    def _set_choices(self, name: str, empty: list[Any], items: Any, attr: str) -> None:
        field = self.fields[name]
        field.choices = [*empty, *((k, getattr(v, attr)) for k, v in items)]  # type: ignore[attr-defined]

    # --- What the template needs ---

    @property
    def category_value(self) -> str:
        value = self["category"].value()
        return value if value in Category.values else ""

    def indicator_fields(self, *, applying: bool) -> list[forms.BoundField]:
        """The indicator inputs for the chosen category, or (``applying=False``) the others."""
        category = self.category_value
        return [
            self[f"indicator_{i.pk}"]
            for i in self.choices.indicators
            if (i.applies_to(category) if category else not i.categories) == applying
        ]

    @property
    def applying_indicators(self) -> list[forms.BoundField]:
        return self.indicator_fields(applying=True)

    @property
    def other_indicators(self) -> list[forms.BoundField]:
        return self.indicator_fields(applying=False)

    def report_fields(self) -> list[forms.BoundField]:
        names = [
            name
            for name in self.fields
            if not name.startswith("indicator_")
            and name not in ("version", "client_id", CONFIRM_FIELD)
        ]
        if CONFIRM_FIELD in self.fields:  # next to the dates it confirms
            names.insert(names.index("end_date") + 1, CONFIRM_FIELD)
        return [self[name] for name in names]

    # --- Checks and the service's input ---

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data

    def to_input(self, visits: list[VisitInput]) -> ReportInput:
        data = self.cleaned_data
        # Left empty: unknown, kept apart from 0 (or 0, for a figure never unknown).
        figures: dict[str, Any] = {
            f.name: f.blank if data.get(f.name) is None else data[f.name] for f in FIGURES
        }
        values = {}
        for indicator in self.choices.indicators:
            value = data.get(f"indicator_{indicator.pk}")
            if value is not None:
                values[indicator.pk] = Decimal(value)
        return ReportInput(
            category=data["category"],
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            mode=data["mode"],
            **figures,
            place=data.get("place", ""),
            region=self.choices.regions.get(data.get("region") or ""),
            description=data.get("description", ""),
            safety_measures=data.get("safety_measures", ""),
            planned_activity=self.choices.planned.get(data.get("planned_activity") or 0),
            duties=[self.choices.duties[pk] for pk in data.get("duties") or []],
            values=values,
            visits=visits,
            dates_confirmed=bool(data.get(CONFIRM_FIELD)),
        )


def _figure_fields(form: type[Form], *, after: str) -> None:
    """Put a field for each of the report's fixed figures into ``form``, in their order,
    after the field ``after``: declared here once rather than once per figure."""
    fields = {f.name: yuan(f.label) if f.is_yuan else whole_number(f.label) for f in FIGURES}
    declared = list(form.base_fields.items())
    at = [name for name, _field in declared].index(after) + 1
    form.base_fields = form.declared_fields = dict(declared[:at]) | fields | dict(declared[at:])


_figure_fields(ReportForm, after="mode")


def report_initial(report: ActivityReport) -> dict[str, Any]:
    """The form's starting values for a saved report (its values and duties read here)."""
    initial: dict[str, Any] = {
        name: getattr(report, name)
        for name in (
            "category",
            "title",
            "start_date",
            "end_date",
            "mode",
            *figure_names(),
            "place",
            "description",
            "safety_measures",
        )
    }
    initial |= {
        "version": report.version,
        "client_id": report.client_id,
        "region": report.region_id or "",
        "planned_activity": report.planned_activity_id or "",
        "duties": [d.pk for d in report.duties.all()],
    }
    for value in report.values.all():
        initial[f"indicator_{value.indicator_id}"] = value.value
    return initial


def visit_initial(report: ActivityReport) -> list[dict[str, Any]]:
    return [
        {
            "id": v.pk,
            "kind": v.kind,
            "institution": v.institution_id or "",
            "households": v.households,
            "leaders": v.leaders,
            "cash": v.cash,
            "goods_value": v.goods_value,
        }
        for v in report.visits.all()
    ]


class VisitForm(Form):
    # Which saved visit this block is, so that a save changes it in place (its id, and the
    # people recorded as visited by it, survive the correction of the report).
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    kind = forms.ChoiceField(
        label=gettext_lazy("Visited"),
        choices=[*_choose(gettext_lazy("Choose one")), *Visit.Kind.choices],
        error_messages={"required": gettext_lazy("Choose what was visited.")},
    )
    # Plain choices built once per page (not a queryset per row).
    institution = forms.TypedChoiceField(
        label=gettext_lazy("Institution"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("When an institution was visited."),
        error_messages={"invalid_choice": gettext_lazy("Choose an institution from the list.")},
    )
    households = whole_number(
        gettext_lazy("Households"), help_text=gettext_lazy("When families were visited.")
    )
    leaders = forms.CharField(
        label=gettext_lazy("Leaders who took part"), max_length=200, required=False
    )
    cash = yuan(gettext_lazy("Cash (yuan)"))
    goods_value = yuan(gettext_lazy("Value of goods (yuan)"))

    def __init__(self, *args: Any, choices: ReportChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["institution"].choices = [  # type: ignore[attr-defined]
            ("", _("Not an institution")),
            *((pk, i.name) for pk, i in choices.institutions.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, institution = data.get("kind"), data.get("institution")
        if kind == Visit.Kind.INSTITUTION and not institution and "institution" not in self.errors:
            self.add_error("institution", _("Choose the institution that was visited."))
        if kind == Visit.Kind.HOUSEHOLD and institution:
            self.add_error("institution", _("Leave the institution empty for a visit to families."))
        return data

    def to_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            pk=data.get("id"),
            kind=data["kind"],
            institution=self.choices.institutions.get(data.get("institution") or 0),
            households=data.get("households") or 0,
            leaders=data.get("leaders", ""),
            cash=data.get("cash") or Decimal(0),
            goods_value=data.get("goods_value") or Decimal(0),
        )


class BaseVisitFormSet(forms.BaseFormSet[VisitForm]):
    def add_fields(self, form: VisitForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Remove this visit")


# The empty block at the end adds a visit ("Save and add another visit" gives a new one
# without JavaScript); only saved visits can be removed.
VisitFormSet = forms.formset_factory(
    VisitForm,
    formset=BaseVisitFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=100,
    validate_max=True,
)


def visit_inputs(formset: forms.BaseFormSet[VisitForm]) -> list[VisitInput]:
    """The visits of a valid formset, without the empty and the removed ones."""
    return [
        row.to_input()
        for row in formset.forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]


class ReportFilterForm(Form):
    q = forms.CharField(label=gettext_lazy("Title contains"), required=False, max_length=100)
    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Campaign"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *ActivityReport.Status.choices],
    )
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        campaigns: list[tuple[int, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", _("Any campaign")), *campaigns]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("Any organisation")),
            *organisations,
        ]
