"""The visit roster (走访名册): the list a county prints for a round of home visits.

People of the user's registry jurisdiction, filtered by township, category and need, with
the masked columns only (``*_masked``: never a revealed value) and two empty columns to fill
in on the visit. As a printable page or an Excel file (formula-safe, ``core.excel``); both
are recorded as downloads with their filters and row count, because both put personal data
on paper.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.excel import XLSX_CONTENT_TYPE, XlsxTable, new_workbook, workbook_bytes
from zhucan.core.forms import Form
from zhucan.orgs.access import audit_path_for
from zhucan.registry import access, selectors
from zhucan.registry.forms import NEED_CHOICES
from zhucan.registry.models import Person, Township

PAGE_MAX = 2000  # rows on the printable page; the Excel file has them all


class RosterForm(Form):
    township = forms.ChoiceField(label=gettext_lazy("Township or street"), required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Disability category"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Person.Category.choices],
    )
    need = forms.ChoiceField(label=gettext_lazy("Need"), required=False, choices=NEED_CHOICES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = sorted(
            set(Township.objects.visible_to(user).values_list("name", flat=True).distinct())
        )
        field = self.fields["township"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *((n, n) for n in names)]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {k: data[k] for k in ("township", "category", "need") if data.get(k)}


def _people(request: HttpRequest, filters: dict[str, str]) -> Any:
    return selectors.people(
        request.user,
        township=filters.get("township", ""),
        category=filters.get("category", ""),
        need=filters.get("need", ""),
    ).order_by("org_path", "township", "village", "name", "id")


def _columns() -> list[str]:
    return [
        _("No."),
        _("Township"),
        _("Village"),
        _("Name"),
        _("Sex"),
        _("Birth year"),
        _("ID number"),
        _("Disability"),
        _("Phone"),
        _("Address"),
        _("Guardian or carer"),
        _("Guardian's phone"),
        _("Needs"),
        _("Visited on"),
        _("Signature"),
    ]


def _row(number: int, p: Person) -> tuple[Any, ...]:
    return (
        number,
        p.township,
        p.village,
        p.name,
        p.get_sex_display(),
        p.birth_year,
        p.id_masked,
        f"{p.get_category_display()} {p.get_grade_display()}",
        p.phone_masked,
        p.address_masked,
        p.guardian_name,
        p.guardian_phone_masked,
        "、".join(p.needs),
        "",
        "",
    )


ROSTER_FIELDS = (*selectors.LIST_FIELDS, "address_masked", "guardian_name", "guardian_phone_masked")


@never_cache
@login_required
def roster(request: AuthenticatedRequest) -> HttpResponse:
    access.require_registry_reader(request.user)
    form = RosterForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": form, "columns": _columns()}
    if request.GET and form.is_valid():
        filters = form.filters()
        people = _people(request, filters).only(*ROSTER_FIELDS)
        total = people.count()
        rows = [_row(n, p) for n, p in enumerate(people[:PAGE_MAX], start=1)]
        audit.record_download(
            by=request.user,
            action="registry.roster.printed",
            fmt="html",
            org_path=audit_path_for(request.user),
            filters=filters,
            rows=len(rows),
        )
        context.update(rows=rows, total=total, cut=total > PAGE_MAX, query=request.GET.urlencode())
    return render(request, "registry/roster.html", context)


@never_cache
@login_required
def roster_export(request: AuthenticatedRequest) -> HttpResponse:
    access.require_registry_reader(request.user)
    form = RosterForm(request.GET or None, user=request.user)
    filters = form.filters()
    people = _people(request, filters).only(*ROSTER_FIELDS)
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Visit roster"),
        _columns(),
        widths=[6, 16, 16, 12, 6, 8, 22, 20, 16, 20, 12, 16, 36, 12, 12],
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, p in enumerate(people.iterator(chunk_size=2000), start=1):
            yield _row(n, p)

    table.add_rows(rows())
    audit.record_download(
        by=request.user,
        action="registry.roster.exported",
        fmt="xlsx",
        org_path=audit_path_for(request.user),
        filters=filters,
        rows=table.rows,
    )
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="visit-roster.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
