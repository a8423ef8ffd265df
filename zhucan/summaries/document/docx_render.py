"""The summary report as .docx (python-docx), in the notice renderer's GB/T 9704 layout.

The same page, type area, 三号 line grid and standard font names as ``campaigns/documents``:
title in 方正小标宋简体 二号, 一、 headings in 黑体, （一） in 楷体_GB2312, body in 仿宋_GB2312,
each name in every w:rFonts slot including w:eastAsia so Word does not fall back to its theme
font.
A photo sits in its own paragraph with single line spacing (an exact 三号 line would clip it to
one line's height); the completeness table is in 仿宋 小四 with a 黑体 header row.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from zhucan.campaigns.documents import layout as gb
from zhucan.campaigns.documents.layout import FontRole
from zhucan.summaries.document.content import Block, Kind, SummaryDocument, Table
from zhucan.summaries.document.photos import print_photo

TABLE_PT = 12.0  # 小四
CAPTION_PT = gb.SIZE_SI_PT  # 四号
PHOTO_MAX_WIDTH_MM = 100
PHOTO_MAX_HEIGHT_MM = 70
_LINE = gb.LINE_PITCH_TWIPS
_INDENT = Pt(gb.BODY_INDENT_CHARS * gb.CHAR_PITCH_PT)


def _el(tag: str, **attrs: object) -> BaseOxmlElement:
    return OxmlElement(tag, {qn(f"w:{key}"): str(value) for key, value in attrs.items()})


def _font(run_rpr: BaseOxmlElement, role: FontRole, size_pt: float, spacing: int = 0) -> None:
    """Run properties in schema order: fonts, spacing, size."""
    for child in list(run_rpr):
        run_rpr.remove(child)
    name = role.name
    run_rpr.append(_el("w:rFonts", ascii=name, hAnsi=name, eastAsia=name, cs=name, hint="eastAsia"))
    if spacing:
        run_rpr.append(_el("w:spacing", val=spacing))
    half_points = round(size_pt * 2)
    run_rpr.extend([_el("w:sz", val=half_points), _el("w:szCs", val=half_points)])


def _paragraph(
    document: DocxDocument,
    text: str,
    role: FontRole = gb.FANGSONG,
    size_pt: float = gb.BODY_PT,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    spacing: int = gb.BODY_CHAR_SPACING_TWIPS,
    line_twips: int | None = _LINE,
) -> Paragraph:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False  # keeps the 22-lines-a-page grid
    if line_twips is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = Twips(line_twips)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if indent:
        fmt.first_line_indent = _INDENT
    if text:
        _font(paragraph.add_run(text)._element.get_or_add_rPr(), role, size_pt, spacing)
    return paragraph


def _set_up(document: DocxDocument, title: str, author: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(gb.PAGE_WIDTH_MM), Mm(gb.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(gb.MARGIN_TOP_MM), Mm(gb.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(gb.MARGIN_LEFT_MM), Mm(gb.MARGIN_RIGHT_MM)
    section.footer_distance = Mm(gb.MARGIN_BOTTOM_MM - gb.PAGE_NUMBER_GAP_MM - 3)
    _font(document.styles["Normal"].element.get_or_add_rPr(), gb.FANGSONG, gb.BODY_PT)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = author
    props.comments = ""


def _page_number(paragraph: Paragraph, *, odd: bool) -> None:
    """ "— N —" in 4号宋体, odd pages right and even pages left, one character in."""
    fmt = paragraph.paragraph_format
    side = Pt(gb.PAGE_NUMBER_PT * gb.PAGE_NUMBER_SIDE_CHARS)
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        fmt.right_indent = side
    else:
        fmt.left_indent = side
    size = gb.PAGE_NUMBER_PT
    _font(paragraph.add_run("— ")._element.get_or_add_rPr(), gb.SONGTI, size)
    shown = _el("w:t")
    shown.text = "1"
    rpr = _el("w:rPr")
    _font(rpr, gb.SONGTI, size)
    run = _el("w:r")
    run.extend([rpr, shown])
    field = _el("w:fldSimple", instr=" PAGE ")
    field.append(run)
    paragraph._p.append(field)
    _font(paragraph.add_run(" —")._element.get_or_add_rPr(), gb.SONGTI, size)


def _photo(document: DocxDocument, block: Block) -> None:
    printed = print_photo(block.photo) if block.photo is not None else None
    if printed is None:
        return
    data, width, height = printed
    scale = min(PHOTO_MAX_WIDTH_MM / max(width, 1), PHOTO_MAX_HEIGHT_MM / max(height, 1))
    holder = _paragraph(
        document, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line_twips=None
    )
    holder.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT / 2)
    holder.paragraph_format.keep_with_next = True
    holder.add_run().add_picture(BytesIO(data), width=Mm(width * scale), height=Mm(height * scale))
    _paragraph(
        document,
        block.text,
        gb.KAITI,
        CAPTION_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        spacing=0,
    )


def _cell_text(cell: _Cell, text: str, role: FontRole) -> None:
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = Pt(TABLE_PT * 1.5)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    _font(paragraph.add_run(text)._element.get_or_add_rPr(), role, TABLE_PT)


def _table(document: DocxDocument, table: Table) -> None:
    caption = _paragraph(
        document, table.caption, gb.HEITI, CAPTION_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    caption.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT / 2)
    caption.paragraph_format.keep_with_next = True
    rows = [table.headers, *table.rows] + ([table.footer] if table.footer else [])
    grid = document.add_table(rows=len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(gb.TYPE_AREA_WIDTH_MM * 0.4)] + [
        Mm(gb.TYPE_AREA_WIDTH_MM * 0.6 / (len(table.headers) - 1))
    ] * (len(table.headers) - 1)
    for index, (row, values) in enumerate(zip(grid.rows, rows, strict=True)):
        bold_row = index == 0 or (table.footer and index == len(rows) - 1)
        if index == 0:
            # The header row repeats on every page the table runs onto.
            row._tr.get_or_add_trPr().append(_el("w:tblHeader"))
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = width
            _cell_text(cell, value, gb.HEITI if bold_row else gb.FANGSONG)
    # An empty line after the table, so the next paragraph does not touch its rule.
    _paragraph(document, "", indent=False)


def render_summary_docx(summary: SummaryDocument) -> bytes:
    document = Document()
    _set_up(document, summary.title, summary.author)
    for block in summary.blocks:
        if block.kind is Kind.TITLE:
            title = _paragraph(
                document,
                block.text,
                gb.XIAOBIAOSONG,
                gb.TITLE_PT,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                indent=False,
                spacing=0,
            )
            title.paragraph_format.space_after = Twips(_LINE)
        elif block.kind is Kind.RECIPIENTS:
            _paragraph(document, block.text, indent=False)
        elif block.kind is Kind.HEADING:
            _paragraph(document, block.text, gb.HEITI)
        elif block.kind is Kind.SUBHEADING:
            _paragraph(document, block.text, gb.KAITI)
        elif block.kind is Kind.BODY:
            _paragraph(document, block.text)
        elif block.kind is Kind.PHOTO:
            _photo(document, block)
        elif block.kind is Kind.TABLE and block.table is not None:
            _table(document, block.table)
        elif block.kind is Kind.SIGNATURE:
            signature = _paragraph(
                document, block.text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
            )
            signature.paragraph_format.space_before = Twips(_LINE * gb.SIGNATURE_GAP_LINES)
            signature.paragraph_format.right_indent = Pt(
                gb.CHAR_PITCH_PT * block.right_indent_chars
            )
            signature.paragraph_format.keep_with_next = True
        elif block.kind is Kind.DATE:
            date = _paragraph(document, block.text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            date.paragraph_format.right_indent = Pt(gb.CHAR_PITCH_PT * block.right_indent_chars)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
