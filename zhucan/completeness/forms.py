"""The deadlines-and-reminders form of a campaign."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core.forms import DateInput, Form


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), help_text=help_text)


def _days(label: Any, help_text: Any, max_value: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=max_value,
        help_text=help_text,
        error_messages={
            "invalid": gettext_lazy("Enter a whole number of days, such as 3."),
            "min_value": gettext_lazy("The number of days cannot be negative."),
            "max_value": gettext_lazy("Enter at most %(limit_value)s days."),
            "required": gettext_lazy("Enter a number of days (0 for none)."),
        },
    )


class ScheduleForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    campaign_version = forms.IntegerField(widget=forms.HiddenInput)
    receipts_due = _date(
        gettext_lazy("Receipts due (签收)"),
        gettext_lazy("Leave empty to make signing due with the first other deadline."),
    )
    plans_due = _date(gettext_lazy("Activity plans due"))
    reports_due = _date(gettext_lazy("Activity reports due"))
    summary_due = _date(gettext_lazy("Summary report due"))
    days_before = _days(
        gettext_lazy("Remind this many days before a deadline"),
        gettext_lazy("Only organisations that have not delivered are reminded."),
        60,
    )
    repeat_every_days = _days(
        gettext_lazy("After a deadline, remind again every this many days"),
        gettext_lazy("0 sends one reminder the day after the deadline and no more."),
        60,
    )
    escalate_after_days = _days(
        gettext_lazy("Tell the organisation above after this many days overdue"),
        gettext_lazy("0 never tells the organisation above."),
        90,
    )
    by_email = forms.BooleanField(
        label=gettext_lazy("Also send reminders by email"), required=False
    )
    by_sms = forms.BooleanField(label=gettext_lazy("Also send reminders by SMS"), required=False)
    active = forms.BooleanField(
        label=gettext_lazy("Send reminders automatically"),
        required=False,
        help_text=gettext_lazy("Reminders sent by hand work either way."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plans, reports, summary = (data.get(k) for k in ("plans_due", "reports_due", "summary_due"))
        if plans and reports and reports < plans:
            self.add_error(
                "reports_due", _("Reports cannot be due before the plans they carry out.")
            )
        if reports and summary and summary < reports:
            self.add_error(
                "summary_due", _("The summary cannot be due before the activity reports.")
            )
        return data


class RemindForm(Form):
    kind = forms.CharField(required=False, max_length=12)
