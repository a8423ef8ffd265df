"""The audit log for auditors: search by person, action, object and date; export to Excel
(itself an audited download).

The log itself is core's; reading it is a question of jurisdiction (the AUDIT capability over
a subtree), which is why its page is here. It keeps its address and name, ``core:audit``
(joined in ``zhucan/urls.py``).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.audit_labels import action_label, actions_labelled, describe_changes
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.core.forms import DateInput, Form
from zhucan.core.models import AuditEntry
from zhucan.orgs.access import audit_path_for, capability_roots, has_capability
from zhucan.orgs.roles import Capability


class AuditSearchForm(Form):
    q = forms.CharField(
        label=gettext_lazy("Person, action or object"), required=False, max_length=100
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


def audit_entries_visible_to(user: object) -> QuerySet[AuditEntry]:
    """Auditors see the entries of their jurisdiction; superusers see all."""
    if getattr(user, "is_superuser", False):
        return AuditEntry.objects.all()
    condition = Q(pk__in=[])
    for root in capability_roots(user, Capability.AUDIT):
        condition |= Q(org_path__startswith=root)
    return AuditEntry.objects.filter(condition)


def _filtered(request: HttpRequest, form: AuditSearchForm) -> QuerySet[AuditEntry]:
    entries = audit_entries_visible_to(request.user)
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"]
        entries = entries.filter(
            Q(actor_name__icontains=q)
            | Q(action__icontains=q)
            | Q(action__in=actions_labelled(q))
            | Q(object_repr__icontains=q)
        )
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data.get("date_to"):
        entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    return entries


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.AUDIT):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    entries = _filtered(request, form) if request.GET else audit_entries_visible_to(request.user)
    if request.GET.get("format") == "xlsx":
        return _export(request, form, entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # Each entry with its action's label and, for a download, one readable line (other
    # changes are shown as stored).
    rows = [
        (e, action_label(e.action), describe_changes(e) if audit.is_download(e) else "")
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "querystring_base": (query.urlencode() + "&") if query else "",
            "export_query": query.urlencode(),
        },
    )


def _export(
    request: AuthenticatedRequest, form: AuditSearchForm, entries: QuerySet[AuditEntry]
) -> HttpResponse:
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Audit log"),
        [_("Time"), _("User"), _("Action"), _("Object"), _("Changes"), _("IP address")],
        widths=[20, 16, 30, 30, 60, 16],
    )
    table.add_rows(
        (e.at, e.actor_name, _label_and_code(e.action), e.object_repr, str(e.changes), e.ip or "")
        for e in entries.iterator(chunk_size=2000)
    )
    content = workbook_bytes(workbook)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # Who read the trail is part of the trail. The search text may be a person's name: only
    # whether one was given is kept.
    audit.record_download(
        by=request.user,
        action="core.audit_log.downloaded",
        fmt="xlsx",
        org_path=audit_path_for(request.user),
        filters={
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
            "search": bool(data.get("q")),
        },
        rows=table.rows,
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
    return response


def _label_and_code(action: str) -> str:
    label = action_label(action)
    return action if label == action else f"{label} ({action})"


# Patterns of the core namespace (the project's urls.py adds them to it).
core_urlpatterns: list[URLPattern] = [
    path("audit/", audit_log, name="audit"),
]
