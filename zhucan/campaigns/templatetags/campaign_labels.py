"""Readable names for the fields the notice parser reports on."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

FIELD_LABELS = {
    "issuer": _("Issuer"),
    "doc_number": _("Document number"),
    "title": _("Title"),
    "recipients": _("Recipients"),
    "campaign": _("Campaign and date"),
    "theme": _("Theme"),
    "duties": _("Duties"),
    "slogans": _("Slogans"),
    "contacts": _("Contacts"),
    "deadlines": _("Deadlines"),
    "issue_date": _("Issue date"),
}


@register.filter
def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
