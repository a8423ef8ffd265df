from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core.forms import CreateForm, DateInput, Form
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.models import Organisation
from zhucan.orgs.roles import Capability

MAX_NOTICE_BYTES = 5 * 1024 * 1024


class ImportNoticeForm(CreateForm):
    issuing_org: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=gettext_lazy("Issuing organisation"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose an organisation from the list.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Notice file"),
        required=False,
        help_text=gettext_lazy("A Word document (.docx) or a text file (.txt), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Or paste the text of the notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=200_000,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issuing_org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            organisations_with_capability(user, Capability.COORDINATE)
            .filter(kind="committee", is_active=True)
            .order_by("sort_path", "pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if not upload and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Upload the notice file or paste its text."))
        if upload is not None:
            name = upload.name.lower()
            if not name.endswith((".docx", ".txt")):
                self.add_error("file", _("Only .docx and .txt files can be imported."))
            elif upload.size > MAX_NOTICE_BYTES:
                self.add_error("file", _("The file is larger than 5 MB."))
        return data


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class NoticeEditForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    doc_number = forms.CharField(
        label=gettext_lazy("Document number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("For example 平残工委〔2020〕2号"),
    )
    recipients = forms.CharField(
        label=gettext_lazy("Recipients"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One recipient group per line."),
    )
    theme = forms.CharField(label=gettext_lazy("Theme"), max_length=100, required=False)
    date = forms.DateField(
        label=gettext_lazy("Date of the day"),
        required=False,
        widget=DateInput(),
    )
    slogans = forms.CharField(
        label=gettext_lazy("Slogans"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy("One slogan per line, in order."),
    )
    publicity = forms.CharField(
        label=gettext_lazy("Publicity requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    plans_due = forms.DateField(
        label=gettext_lazy("Plans due"),
        required=False,
        widget=DateInput(),
    )
    reports_due = forms.DateField(
        label=gettext_lazy("Reports due"),
        required=False,
        widget=DateInput(),
    )
    summary_due = forms.DateField(
        label=gettext_lazy("Summary due"),
        required=False,
        widget=DateInput(),
    )
    signature = forms.CharField(
        label=gettext_lazy("Signature (issuing organisation)"), max_length=100, required=False
    )
    issue_date = forms.DateField(
        label=gettext_lazy("Issue date"),
        required=False,
        widget=DateInput(),
    )

    def clean_recipients(self) -> list[str]:
        lines = _lines(self.cleaned_data["recipients"])
        if not lines:
            raise forms.ValidationError(_("Enter at least one recipient."))
        return lines

    def clean_slogans(self) -> list[str]:
        lines = _lines(self.cleaned_data["slogans"])
        too_long = [s for s in lines if len(s) > 100]
        if too_long:
            raise forms.ValidationError(_("A slogan can be at most 100 characters."))
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dates = [data.get(k) for k in ("plans_due", "reports_due", "summary_due")]
        present = [d for d in dates if d]
        if present != sorted(present):
            raise forms.ValidationError(
                _("Deadlines must come in order: plans, then reports, then the summary.")
            )
        return data


class PublishForm(Form):
    """The deadlines a notice goes out with, asked at the moment of sending it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    receipts_due = forms.DateField(
        label=gettext_lazy("Signing for the notice due"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Left empty, signing is due with the activity plans."),
    )
    plans_due = forms.DateField(
        label=gettext_lazy("Activity plans due"),
        widget=DateInput(),
    )
    reports_due = forms.DateField(
        label=gettext_lazy("Activity reports due"),
        widget=DateInput(),
    )
    summary_due = forms.DateField(
        label=gettext_lazy("Summary due"),
        required=False,
        widget=DateInput(),
    )
