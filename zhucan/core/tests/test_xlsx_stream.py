"""The streaming writer makes files Excel opens: formats, frozen header, text kept as text."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from zhucan.core.xlsx_stream import StreamingXlsx


def _written(rows: Iterable[Sequence[object]], **kwargs: Any) -> Workbook:
    out = io.BytesIO()
    with StreamingXlsx(
        out,
        title=kwargs.pop("title", "活动"),
        headers=["单位", "场次", "金额", "日期", "时间"],
        **kwargs,
    ) as sheet:
        sheet.write_rows(rows)
    out.seek(0)
    return load_workbook(out)


def test_cells_keep_their_types_and_formats() -> None:
    at = datetime(2020, 5, 17, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    book = _written([["叶县残联", 12, Decimal("1500.50"), date(2020, 5, 17), at]])
    ws = book.active
    assert ws is not None
    assert ws.title == "活动"
    assert [c.value for c in ws[1]] == ["单位", "场次", "金额", "日期", "时间"]
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    row = ws[2]
    assert row[0].value == "叶县残联" and row[0].data_type == "s"
    assert row[1].value == 12 and row[1].number_format == "#,##0"
    assert row[2].value == 1500.5 and row[2].number_format == "#,##0.00"
    assert isinstance(row[3].value, datetime)  # Excel keeps a date as a datetime at midnight
    assert row[3].value.date() == date(2020, 5, 17) and row[3].number_format == "yyyy-mm-dd"
    assert row[4].value == datetime(2020, 5, 17, 9, 30)  # noqa: DTZ001 - Excel has no zones


def test_formula_like_text_stays_text_with_the_quote_prefix() -> None:
    book = _written(
        [["=SUM(A1:A9)", None, None, None, "+86 139"], ["-1", "@cmd", "", None, "\x07bell"]]
    )
    ws = book.active
    assert ws is not None
    assert ws["A2"].value == "=SUM(A1:A9)" and ws["A2"].data_type == "s"
    assert ws["A2"].quotePrefix
    assert ws["E2"].value == "+86 139" and ws["E2"].quotePrefix
    assert ws["B3"].value == "@cmd" and ws["B3"].data_type == "s"
    assert ws["C3"].value is None
    assert ws["E3"].value == "bell"  # a control character XML cannot hold is dropped


def test_title_with_markup_characters_is_escaped() -> None:
    ws = _written([], title='统计<表>&"').active
    assert ws is not None
    assert ws.title == '统计<表>&"'


def test_memory_stays_flat_however_many_rows() -> None:
    def peak(rows: int) -> int:
        tracemalloc.start()
        with StreamingXlsx(io.BytesIO(), title="x", headers=["a", "b", "c"]) as sheet:
            sheet.write_rows(("单位", i, Decimal(i)) for i in range(rows))
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(40_000)
    # The output buffer grows with the file; everything else must not (compressed: ~10x less).
    assert large < small * 6
