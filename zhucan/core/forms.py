"""Form plumbing shared by every app: accessible errors and hints without per-form code."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy


class AccessibleBoundField(BoundField):
    """Links each input to its hint and error text and marks invalid inputs for screen readers."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}_hint")
        if self.form.is_bound and self.errors:
            described.append(f"{self.auto_id}_error")
            attrs["aria-invalid"] = "true"
        if described:
            attrs["aria-describedby"] = " ".join(described)
        else:
            attrs.pop("aria-describedby", None)
        return attrs


class AccessibleFormMixin:
    bound_field_class: type[BoundField] | None = AccessibleBoundField
    template_name_div = "includes/form_fields.html"


class Form(AccessibleFormMixin, forms.Form):
    pass


class ModelForm(AccessibleFormMixin, forms.ModelForm[Any]):
    pass


def apply_domain_error(form: forms.BaseForm, error: Any) -> None:
    """Show a service's DomainError on the field it names, or at the top of the form."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.message)


class DateInput(forms.DateInput):
    """A native date picker. Its value must be ISO (2020-05-17) whatever the language, or the
    browser shows the field empty and the date is lost on save."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CreateForm(Form):
    """A form that creates something: it carries a random token, made when the page is drawn
    and kept when the page comes back with errors, so that the form sent twice (a double click,
    a resend after a dropped connection) makes one thing (``core.idempotency.create_once``).
    The field keeps the name the activity report forms already used for the same idea.

    Not required: every page drawn by the application sends it, and a request without one
    (a script, a page saved before this field existed) simply gets no protection from repeats.
    """

    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        required=False,
        error_messages={
            "invalid": gettext_lazy("This form is out of date. Reload the page and try again."),
        },
    )
