"""Render a ``ParsedNotice`` as a GB/T 9704-2012 .docx (python-docx).

Fonts are the standard names (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体) in every
w:rFonts slot including w:eastAsia, both in the paragraph styles and on each run, so the file
prints right on an office machine that has them. Page numbers "— N —" sit outside the type area
as the standard asks: odd pages right, even pages left, one character in (separate odd/even
footers with a PAGE field). The 版记 is a one-column table floated to the bottom of the type
area (w:tblpPr vertAnchor=margin, tblpYSpec=bottom), so it sits at the foot of the last page
however long the body runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Emu, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from zhucan.campaigns.documents import layout as gb
from zhucan.campaigns.documents.layout import FontRole, Part, PartKind
from zhucan.campaigns.notice_types import ParsedNotice

_LEFT, _CENTER, _RIGHT, _JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
_LINE = gb.LINE_PITCH_TWIPS
_BODY_INDENT = Pt(gb.BODY_INDENT_CHARS * gb.CHAR_PITCH_PT)
_COLOPHON_CHAR = Pt(gb.COLOPHON_PT)
_TYPE_AREA_TWIPS = round(gb.TYPE_AREA_WIDTH_PT * gb.TWIPS_PER_PT)


@dataclass(frozen=True)
class _Style:
    name: str
    align: WD_ALIGN_PARAGRAPH
    font: FontRole = gb.FANGSONG
    size_pt: float = gb.BODY_PT
    color: str = gb.BLACK_HEX
    before_lines: float = 0  # space before, in body lines
    first_indent: Pt | None = None
    char_spacing: int = gb.BODY_CHAR_SPACING_TWIPS
    line_twips: int | None = _LINE  # None = single spacing
    at_least: bool = False
    scale_pct: int = 100


def _styles(header: gb.HeaderMetrics) -> dict[str, _Style]:
    """One paragraph style per 公文 element, keyed by PartKind (body keyed by level too)."""
    xbs, indent = gb.XIAOBIAOSONG, _BODY_INDENT
    body = {
        f"body{level}": _Style(f"公文正文{level}级", _JUSTIFY, font, first_indent=indent)
        for level, font in gb.LEVEL_FONTS.items()
    }
    return {
        # atLeast, not exact: an exact line shorter than the glyphs would clip the 版头.
        "header": _Style(
            "公文版头",
            _CENTER,
            xbs,
            header.font_pt,
            gb.RED_HEX,
            before_lines=gb.HEADER_TOP_MM * gb.PT_PER_MM / gb.LINE_PITCH_PT,
            char_spacing=0,
            line_twips=round(header.font_pt * gb.TWIPS_PER_PT),
            at_least=True,
            scale_pct=round(header.scale * 100),
        ),
        "doc_number": _Style("公文发文字号", _CENTER, before_lines=gb.DOC_NUMBER_GAP_LINES),
        "title": _Style(
            "公文标题", _CENTER, xbs, gb.TITLE_PT, before_lines=gb.TITLE_GAP_LINES, char_spacing=0
        ),
        "recipients": _Style("公文主送机关", _JUSTIFY, before_lines=gb.RECIPIENTS_GAP_LINES),
        **body,
        "signature": _Style("公文发文机关署名", _RIGHT, before_lines=gb.SIGNATURE_GAP_LINES),
        "date": _Style("公文成文日期", _RIGHT),
        "colophon": _Style("公文版记", _LEFT, size_pt=gb.COLOPHON_PT, char_spacing=0),
        "page_number": _Style(
            "公文页码", _RIGHT, gb.SONGTI, gb.PAGE_NUMBER_PT, char_spacing=0, line_twips=None
        ),
    }


def _el(tag: str, *children: BaseOxmlElement, **attrs: object) -> BaseOxmlElement:
    element = OxmlElement(tag, {qn(f"w:{key}"): str(value) for key, value in attrs.items()})
    element.extend(children)
    return element


def _fill_rpr(rpr: BaseOxmlElement, style: _Style) -> None:
    """Rewrite run properties in schema order (Word rejects out-of-order rPr children)."""
    for child in list(rpr):
        rpr.remove(child)
    name = style.font.name
    rpr.append(_el("w:rFonts", ascii=name, hAnsi=name, eastAsia=name, cs=name, hint="eastAsia"))
    if style.color != gb.BLACK_HEX:
        rpr.append(_el("w:color", val=style.color))
    if style.char_spacing:
        rpr.append(_el("w:spacing", val=style.char_spacing))
    if style.scale_pct != 100:
        rpr.append(_el("w:w", val=style.scale_pct))
    half_points = round(style.size_pt * 2)
    rpr.extend([_el("w:sz", val=half_points), _el("w:szCs", val=half_points)])


def _set_defaults(document: DocxDocument) -> None:
    """Chinese defaults, without the theme fonts that would override explicit names."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))[0]
    # Character spacing stays 0 here: styles that omit it (版头, 标题, 版记, 页码) inherit this.
    _fill_rpr(rpr, _Style("", _JUSTIFY, char_spacing=0))
    rpr.append(_el("w:lang", val="zh-CN", eastAsia="zh-CN", bidi="ar-SA"))
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    normal.line_spacing = Twips(_LINE)
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # Widow control would move single lines and break the 22-lines-a-page grid.
    normal.widow_control = False


def _add_styles(document: DocxDocument, specs: dict[str, _Style]) -> None:
    for spec in specs.values():
        style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.quick_style = True
        _fill_rpr(style.element.get_or_add_rPr(), spec)
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        fmt.space_before = Twips(round(spec.before_lines * _LINE))
        fmt.space_after = Pt(0)
        fmt.first_line_indent = spec.first_indent
        if spec.line_twips is None:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing = Twips(spec.line_twips)
            fmt.line_spacing_rule = (
                WD_LINE_SPACING.AT_LEAST if spec.at_least else WD_LINE_SPACING.EXACTLY
            )


def _add_text(paragraph: Paragraph, text: str, spec: _Style) -> None:
    run = paragraph.add_run(text)
    _fill_rpr(run._element.get_or_add_rPr(), spec)


def _style_key(part: Part) -> str:
    return f"body{part.level}" if part.kind is PartKind.BODY else part.kind.value


def _red_rule_under(paragraph: Paragraph) -> None:
    """The red 分隔线: a bottom border as wide as the type area, 4 mm under the 文号."""
    border = _el(
        "w:bottom", val="single", color=gb.RED_HEX,
        sz=round(gb.RED_RULE_MM * gb.PT_PER_MM * 8),  # eighths of a point
        space=round(gb.RED_RULE_OFFSET_PT),
    )  # fmt: skip
    # Only these can already be in the pPr of a paragraph built here; pBdr goes before them.
    successors = ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr")
    paragraph._p.get_or_add_pPr().insert_element_before(_el("w:pBdr", border), *successors)


def _add_main_parts(document: DocxDocument, parts: list[Part], specs: dict[str, _Style]) -> None:
    last: Paragraph | None = None
    for part in parts:
        if part.kind is PartKind.RED_RULE:
            if last is not None:
                _red_rule_under(last)
            continue
        spec = specs[_style_key(part)]
        last = document.add_paragraph(style=spec.name)
        if part.kind in (PartKind.SIGNATURE, PartKind.DATE):
            last.paragraph_format.right_indent = Pt(part.right_indent_chars * gb.CHAR_PITCH_PT)
        _add_text(last, part.text, spec)


def _float_to_bottom(table_element: BaseOxmlElement) -> None:
    """Table properties: floated to the foot of the type area, rules between the rows only."""
    tbl_pr = table_element.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    thick = round(gb.COLOPHON_THICK_MM * gb.PT_PER_MM * 8)  # eighths of a point
    thin = round(gb.COLOPHON_THIN_MM * gb.PT_PER_MM * 8)
    rules = {"top": thick, "left": 0, "bottom": thick, "right": 0, "insideH": thin, "insideV": 0}
    tbl_pr.extend([
        _el(
            "w:tblpPr", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0,
            vertAnchor="margin", horzAnchor="margin", tblpXSpec="center", tblpYSpec="bottom",
        ),
        _el("w:tblOverlap", val="never"),
        _el("w:tblW", w=_TYPE_AREA_TWIPS, type="dxa"),
        _el("w:tblBorders", *(
            _el(f"w:{side}", val="single", sz=size, space=0, color=gb.BLACK_HEX) if size
            else _el(f"w:{side}", val="nil")
            for side, size in rules.items()
        )),
    ])  # fmt: skip
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    no_padding = (_el(f"w:{side}", w=0, type="dxa") for side in ("left", "right"))
    tbl_pr.append(_el("w:tblCellMar", *no_padding))
    for grid_col in table_element.tblGrid.findall(qn("w:gridCol")):
        grid_col.set(qn("w:w"), str(_TYPE_AREA_TWIPS))


def _add_colophon(document: DocxDocument, parts: list[Part], spec: _Style) -> None:
    if not parts:
        return
    table = document.add_table(rows=len(parts), cols=1)
    _float_to_bottom(table._tbl)
    for row, part in zip(table.rows, parts, strict=True):
        cell = row.cells[0]
        cell.width = Twips(_TYPE_AREA_TWIPS)
        paragraph = cell.paragraphs[0]
        paragraph.style = document.styles[spec.name]
        fmt = paragraph.paragraph_format
        fmt.right_indent = Emu(_COLOPHON_CHAR * gb.COLOPHON_SIDE_INDENT_CHARS)
        if part.kind is PartKind.COPIED_TO:
            # Wrapped names line up after "抄送：" (3 characters), one character in.
            fmt.left_indent = Emu(_COLOPHON_CHAR * (gb.COLOPHON_SIDE_INDENT_CHARS + 3))
            fmt.first_line_indent = Emu(-_COLOPHON_CHAR * 3)
            _add_text(paragraph, part.text, spec)
        else:
            fmt.left_indent = Emu(_COLOPHON_CHAR * gb.COLOPHON_SIDE_INDENT_CHARS)
            fmt.tab_stops.add_tab_stop(
                Emu(Twips(_TYPE_AREA_TWIPS) - _COLOPHON_CHAR * gb.COLOPHON_SIDE_INDENT_CHARS),
                WD_TAB_ALIGNMENT.RIGHT,
            )
            _add_text(paragraph, f"{part.text}\t{part.extra}", spec)
    # A floating table is anchored to the paragraph after it; keep that anchor one point high
    # so it never spills onto a page of its own.
    anchor = document.add_paragraph()
    anchor.paragraph_format.line_spacing = Pt(1)
    anchor.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _page_number(document: DocxDocument, paragraph: Paragraph, spec: _Style, *, odd: bool) -> None:
    paragraph.style = document.styles[spec.name]
    side = Pt(gb.PAGE_NUMBER_PT * gb.PAGE_NUMBER_SIDE_CHARS)
    fmt = paragraph.paragraph_format
    fmt.alignment = _RIGHT if odd else _LEFT
    if odd:
        fmt.right_indent = side
    else:
        fmt.left_indent = side
    _add_text(paragraph, "— ", spec)
    shown = _el("w:t")
    shown.text = "1"  # what a reader shows before it updates the field
    rpr = _el("w:rPr")
    _fill_rpr(rpr, spec)
    paragraph._p.append(_el("w:fldSimple", _el("w:r", rpr, shown), instr=" PAGE "))
    _add_text(paragraph, " —", spec)


def _set_up_page(document: DocxDocument, section: Section, spec: _Style) -> None:
    section.page_width, section.page_height = Mm(gb.PAGE_WIDTH_MM), Mm(gb.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(gb.MARGIN_TOP_MM), Mm(gb.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(gb.MARGIN_LEFT_MM), Mm(gb.MARGIN_RIGHT_MM)
    # Word measures the footer from the page edge to its baseline area; this puts the dashes
    # about 7 mm under the type area for a 4号 line.
    section.footer_distance = Mm(gb.MARGIN_BOTTOM_MM - gb.PAGE_NUMBER_GAP_MM - 3)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(_LINE))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(document, section.footer.paragraphs[0], spec, odd=True)
    _page_number(document, section.even_page_footer.paragraphs[0], spec, odd=False)


def render_notice_docx(notice: ParsedNotice) -> bytes:
    """The notice as .docx bytes, laid out by GB/T 9704-2012."""
    specs = _styles(gb.header_metrics(notice.header or ""))
    document = Document()
    _set_defaults(document)
    _add_styles(document, specs)
    _set_up_page(document, document.sections[0], specs["page_number"])
    parts = gb.notice_parts(notice)
    _add_main_parts(document, [p for p in parts if p.kind not in gb.COLOPHON_KINDS], specs)
    _add_colophon(document, [p for p in parts if p.kind in gb.COLOPHON_KINDS], specs["colophon"])
    props = document.core_properties
    props.title = notice.title or ""
    props.author = props.last_modified_by = gb.issuing_body(notice)
    props.comments = ""
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
