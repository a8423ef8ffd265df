"""Workbooks, rows and uploads for the orgs tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.models import AuditEntry
from zhucan.orgs.import_format import HEADERS
from zhucan.orgs.models import Membership, Organisation

TEMPLATE_HEADERS = list(HEADERS)


def snapshot() -> tuple[Any, ...]:
    """Everything a refused change must leave as it was."""
    return (
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        Membership.objects.count(),
        list(
            Organisation.objects.order_by("pk").values_list(
                "pk", "name", "parent_id", "path", "region_id", "is_active", "version"
            )
        ),
    )


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    """A workbook whose first sheet has ``headers`` (the template's by default) and ``rows``.

    Strings starting with "=" are written as text cells, as someone typing '=HYPERLINK(..)
    with a leading quote, or pasting it as text, would store them.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "单位列表"
    ws.append(TEMPLATE_HEADERS if headers is None else headers)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(
    name: str,
    kind: str = "成员单位",
    department: str = "民政",
    region: Any = "",
    parent: str = "",
    **extra: str,
) -> list[Any]:
    """One data row in template column order."""
    values = {
        "单位名称": name,
        "类型": kind,
        "部门": department,
        "行政区划代码": region,
        "上级单位名称": parent,
        **extra,
    }
    return [values.get(header, "") for header in TEMPLATE_HEADERS]


def upload(data: bytes, name: str = "单位.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)
