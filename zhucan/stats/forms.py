"""The dashboard's filters (a GET form: nothing is written)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhucan.activities.models import Category, Mode
from zhucan.campaigns.models import Campaign, Duty
from zhucan.core.forms import DateInput, Form
from zhucan.stats.selectors import NO_FILTERS, Filters


class FilterForm(Form):
    duty: forms.ModelChoiceField[Duty] = forms.ModelChoiceField(
        label=_("Duty"), queryset=Duty.objects.none(), required=False, empty_label=_("Any")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    mode = forms.ChoiceField(label=_("Mode"), required=False)
    date_from = forms.DateField(label=_("Held from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Held until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        duty: Any = self.fields["duty"]
        duty.queryset = campaign.duties.all()
        duty.label_from_instance = lambda d: f"{d.number}. {d.text[:40]}"
        any_choice = [("", _("Any"))]
        self.fields["category"].choices = any_choice + list(Category.choices)  # type: ignore[attr-defined]
        self.fields["mode"].choices = any_choice + list(Mode.choices)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first one."))
        return data

    def filters(self) -> Filters:
        """The filters asked for; none while the form has errors."""
        if not self.is_bound or not self.is_valid():
            return NO_FILTERS
        data = self.cleaned_data
        return Filters(
            duty=data.get("duty"),
            category=data.get("category") or "",
            mode=data.get("mode") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
