"""The forms of the pages inside: the list's filters and each action on a request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhucan.campaigns.models import Campaign
from zhucan.core.forms import DateInput, Form
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import REVEALABLE
from zhucan.orgs.models import Organisation
from zhucan.registry.services.privacy import PURPOSES


class FilterForm(Form):
    number = forms.CharField(
        label=_("Request number"),
        required=False,
        max_length=20,
        help_text=_("For example QZ7K2MBXQ4PA"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [c for c in HelpRequest.Status.choices if c[0] != HelpRequest.Status.SPAM],
    )
    kind = forms.ChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("Any kind")), *HelpRequest.Kind.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class VersionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionForm):
    to = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=Organisation.objects.none(),
        help_text=_("A township office or a member department inside the county."),
        error_messages={"required": _("Choose who will handle it.")},
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to"]
        field.queryset = choices if choices is not None else Organisation.objects.none()


class AnswerForm(VersionForm):
    outcome = forms.CharField(
        label=_("Answer to the person who asked"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown to them on the public status page and announced by text message. For example: "
            "我们已联系您并安排了上门康复服务，时间为下周二上午。No ID or phone numbers."
        ),
        error_messages={"required": _("Write the answer for the person who asked.")},
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: 求助人住在叶县，由叶县办理"),
        error_messages={"required": _("Say why.")},
    )


class TransferForm(ReasonForm):
    to = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the county to send it to.")},
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to"]
        field.queryset = choices if choices is not None else Organisation.objects.none()


class HelpRecordForm(Form):
    given_on = forms.DateField(
        label=_("Date the help was given"),
        widget=DateInput,
        error_messages={"required": _("Give the date.")},
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("The coverage figures count help given in a campaign."),
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["campaign"]
        field.queryset = campaigns if campaigns is not None else Campaign.objects.none()


class RevealForm(Form):
    details = forms.MultipleChoiceField(
        label=_("Details to see"),
        choices=list(REVEALABLE.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose which details you need to see.")},
    )
    purpose = forms.ChoiceField(
        label=_("Why you need them"),
        choices=list(PURPOSES.items()),
        widget=forms.RadioSelect,
        help_text=_("Written to the audit log with your name."),
        error_messages={"required": _("Choose why you need to see these details.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_('Needed for "Other". No ID or phone numbers.'),
    )


class DeadlinesForm(VersionForm):
    acknowledge_days = forms.IntegerField(
        label=_("Acknowledge within (working days)"),
        min_value=1,
        max_value=60,
        help_text=_("For example 2"),
    )
    answer_days = forms.IntegerField(
        label=_("Answer within (working days)"),
        min_value=1,
        max_value=60,
        help_text=_("For example 7"),
    )
    verify_by_sms = forms.BooleanField(
        label=_("Check the requester's phone with a code by text message"),
        help_text=_(
            "The public form sends a 6-digit code and makes the request once it is typed back. "
            "Someone who cannot receive text messages can still send: their request comes to "
            "the spam list marked unverified, for you to read and restore."
        ),
        required=False,
    )
