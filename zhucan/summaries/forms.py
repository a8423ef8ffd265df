from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhucan.core.forms import Form
from zhucan.summaries.document.content import duty_subject
from zhucan.summaries.selectors import DutyFigures
from zhucan.summaries.services import TEXT_MAX


def _text(label: Any, help_text: Any = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class SummaryForm(Form):
    """The texts a person writes around the figures. One paragraph per line."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overview = _text(
        _("Overview"),
        _(
            "Printed under “Overview” after the figures: how the work was organised and led. "
            "One paragraph per line."
        ),
    )
    problems = _text(_("Problems"), _("What did not go well. Leave empty to leave it out."))
    next_steps = _text(_("Next steps"), _("What will be done next. Leave empty to leave it out."))
    closing = _text(_("Closing remarks"), _("The last paragraph, before the signature."), rows=3)

    def __init__(self, *args: Any, duties: list[DutyFigures], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duty_numbers = [d.number for d in duties]
        for duty in duties:
            self.fields[f"duty_{duty.number}"] = _text(
                _("Remarks on duty %(n)d") % {"n": duty.number},
                duty_subject(duty),
                rows=3,
            )
        # The duty remarks read best between the overview and the problems.
        order = ["version", "overview", *(f"duty_{n}" for n in self.duty_numbers)]
        self.order_fields(order)

    def duty_remarks(self) -> dict[int, str]:
        return {n: self.cleaned_data.get(f"duty_{n}", "") for n in self.duty_numbers}
