"""A streaming .xlsx writer for large exports: rows go straight into the zip as they come.

openpyxl builds a cell object per value (about 8,000 rows a second here, even write-only);
this writes the sheet's XML directly, so a 100,000-row export takes a few seconds and memory
stays flat whatever the length. It writes only what exports need: one sheet, a bold frozen
header row, column widths, and number, money and date formats. Text is always stored inline as
text, never as a formula, and text that a spreadsheet would take for one (``=``, ``+``, ``-``,
``@``…) also carries Excel's quote prefix, as ``core.excel`` does.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

from zhucan.core.excel import FORMULA_PREFIXES

# Characters XML 1.0 cannot hold (a pasted control character would make the file unreadable).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Style indexes in STYLES below.
HEADER, INTEGER, MONEY, DATE, DATETIME, TEXT, QUOTED = 1, 2, 3, 4, 5, 6, 7
_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - Excel's serial dates have no zone
_EPOCH_ORDINAL = _EPOCH.toordinal()
# The cells' XML around their values, built once (write_rows writes millions of them).
_INLINE = ' t="inlineStr"><is><t xml:space="preserve">'
_TEXT_START, _QUOTED_START = f'<c s="{TEXT}"{_INLINE}', f'<c s="{QUOTED}"{_INLINE}'
_TEXT_END = "</t></is></c>"
_INTEGER_START, _MONEY_START = f'<c s="{INTEGER}"><v>', f'<c s="{MONEY}"><v>'
_VALUE_END = "</v></c>"
_SMALL = 1024  # whole numbers below this have their cell's XML made once, here
_INTEGERS = [f"{_INTEGER_START}{i}{_VALUE_END}".encode() for i in range(_SMALL)]
_CACHED = 4096  # recurring texts and dates whose XML a writer keeps
_BATCH = 20_000  # XML pieces written to the zip at once (several hundred rows)

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""  # noqa: E501
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""  # noqa: E501
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""  # noqa: E501
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDDDDD"/></patternFill></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _text_cell(value: str) -> str:
    """Text stored as text; what a spreadsheet would take for a formula gets the quote prefix
    (checked before control characters are dropped, as ``core.excel`` checks it)."""
    if not value:
        return "<c/>"
    start = _QUOTED_START if value.startswith(FORMULA_PREFIXES) else _TEXT_START
    if not value.isprintable():  # every character XML cannot hold is unprintable
        value = _ILLEGAL.sub("", value)
    return f"{start}{escape(value)}{_TEXT_END}"


class StreamingXlsx:
    """Write one sheet to ``fileobj`` (a file, or anything with ``write``), row by row.

    ``with StreamingXlsx(out, title=…, headers=…) as sheet: sheet.write_rows(rows)``
    """

    def __init__(
        self,
        fileobj: IO[bytes],
        *,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int] | None = None,
    ) -> None:
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, body in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/workbook.xml", _WORKBOOK.format(title=escape(title[:31], {'"': "&quot;"}))),
            ("xl/styles.xml", STYLES),
        ):
            self.zip.writestr(name, body)
        self._sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._width = len(headers)
        self.rows = 1  # rows written, the header (written below) included
        self._texts: dict[str, bytes] = {}
        self._dates: dict[date, bytes] = {}
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(
                (
                    widths[i] if widths and i < len(widths) else max(10, len(h) * 2 + 2)
                    for i, h in enumerate(headers)
                ),
                start=1,
            )
        )
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>"
        )
        self._write(
            '<row r="1">'
            + "".join(f'<c s="{HEADER}"{_INLINE}{_text(str(h))}{_TEXT_END}' for h in headers)
            + "</row>"
        )

    def __enter__(self) -> StreamingXlsx:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, text: str) -> None:
        self._sheet.write(text.encode())

    def _flush(self, parts: list[bytes]) -> None:
        self._sheet.write(b"".join(parts))
        parts.clear()

    def _cell(self, value: Any) -> str:
        """One cell's XML. Cells carry no reference: Excel, WPS, LibreOffice and openpyxl place
        them in order, and leaving the references out makes long exports a third faster."""
        kind = type(value)
        if kind is str:
            return _text_cell(value)
        if kind is int:
            return f'<c s="{INTEGER}"><v>{value}</v></c>'
        if kind is Decimal or kind is float:
            return f'<c s="{MONEY}"><v>{value}</v></c>'
        if value is None:
            return "<c/>"
        if kind is bool:
            return f'<c s="{TEXT}" t="inlineStr"><is><t>{"是" if value else "否"}</t></is></c>'
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                from django.utils import timezone

                value = timezone.localtime(value).replace(tzinfo=None)
            serial = (value - _EPOCH).total_seconds() / 86400
            return f'<c s="{DATETIME}"><v>{serial:.10f}</v></c>'
        if isinstance(value, date):
            return f'<c s="{DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'
        if isinstance(value, (int, float, Decimal)):
            return self._cell(int(value) if isinstance(value, int) else Decimal(value))
        return self._cell(str(value))

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write the rows, a batch at a time. The common cells (text, whole numbers, amounts,
        dates, empty) are made here, as ``_cell`` would make them, with no call per cell, and
        the XML of recurring text and dates (an organisation's name, a category, a day) is
        made once (a long export spends most of its time here)."""
        parts: list[bytes] = []
        append = parts.append
        width, cell, n = self._width, self._cell, self.rows
        texts, dates = self._texts, self._dates
        money_start, value_end = _MONEY_START.encode(), _VALUE_END.encode()
        for row in rows:
            n += 1
            append(f'<row r="{n}">'.encode())
            for value in row if len(row) <= width else row[:width]:
                kind = type(value)
                if kind is str:
                    xml = texts.get(value)
                    if xml is None:
                        if len(texts) >= _CACHED:  # memory stays flat with any text
                            texts.clear()
                        xml = texts[value] = _text_cell(value).encode()
                    append(xml)
                elif kind is int:
                    append(
                        _INTEGERS[value]
                        if 0 <= value < _SMALL
                        else f"{_INTEGER_START}{value}{_VALUE_END}".encode()
                    )
                elif value is None:
                    append(b"<c/>")
                elif kind is Decimal:
                    # str(), not an f-string: Decimal's __format__ costs twice as much, and
                    # gives the same text.
                    append(money_start + str(value).encode() + value_end)
                elif kind is date:
                    xml = dates.get(value)
                    if xml is None:
                        if len(dates) >= _CACHED:
                            dates.clear()
                        xml = dates[value] = cell(value).encode()
                    append(xml)
                else:
                    append(cell(value).encode())
            append(b"</row>")
            if len(parts) > _BATCH:
                self._flush(parts)
        self.rows = n
        self._flush(parts)

    def close(self) -> None:
        if self._sheet.closed:
            return
        self._write("</sheetData></worksheet>")
        self._sheet.close()
        self.zip.close()
