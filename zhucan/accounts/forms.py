"""Input for the account pages. Rules live in the services; forms only shape the fields."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from zhucan.core.forms import Form


class SignInForm(Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter your user name.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )


def _code_widget() -> forms.TextInput:
    # The number pad on phones, and the code from an SMS-style autofill where offered.
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
            "spellcheck": "false",
        }
    )


class SetupCodeForm(Form):
    code = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=20,
        widget=_code_widget(),
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
    )


class EnrolmentCodeForm(Form):
    code = forms.CharField(
        label=_("Enrolment code"),
        help_text=_(
            "The 12-digit one-time code your administrator gave you for setting up your "
            "authenticator app."
        ),
        max_length=30,
        widget=_code_widget(),
        error_messages={"required": _("Enter the enrolment code from your administrator.")},
    )


class VerifyCodeForm(Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        help_text=_(
            "The 6-digit code your authenticator app shows now. Without your phone, enter one "
            "of your 10-digit backup codes instead."
        ),
        max_length=30,
        widget=_code_widget(),
        error_messages={"required": _("Enter the code from your app or a backup code.")},
    )


class PasswordForm(Form):
    """Asks for the current password before a security change."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )


class PasswordChangeForm(Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a new password.")},
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter the new password a second time.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Plain sentences rather than Django's <ul>: the hint is one <p> read with the field.
        self.fields["new_password"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first and second and first != second:
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return cleaned
