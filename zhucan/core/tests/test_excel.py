import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from zhucan.core.excel import XlsxTable, new_workbook, workbook_bytes


@pytest.mark.parametrize("value", ["=1+2", "+86 2690909", "-5", "@SUM(A1)", "＝1+1", "\t=1"])
def test_formula_like_text_stays_text(value: str) -> None:
    wb = new_workbook()
    XlsxTable(wb, "表", ["名称"]).add_rows([[value]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert sheet is not None
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == value
    assert sheet["A2"].quotePrefix is True


def test_numbers_dates_and_headers() -> None:
    wb = new_workbook()
    table = XlsxTable(wb, "统计表", ["单位", "户数", "金额", "日期"])
    table.add_rows([["新华区", 12, Decimal("3000.50"), date(2020, 5, 17)]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(wb)))["统计表"]
    assert [c.value for c in sheet[1]] == ["单位", "户数", "金额", "日期"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == 12 and sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].number_format == "#,##0.00"
    assert sheet["D2"].value.date() == date(2020, 5, 17)
