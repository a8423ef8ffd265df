"""The 公文 renderers: open the .docx and PDF they produce and check the GB/T 9704-2012 layout."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Length, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from PIL import Image
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from zhucan.campaigns.documents import layout, render_notice_docx, render_notice_pdf
from zhucan.campaigns.documents.pdf_render import OfflineURLFetcher, render_notice_html
from zhucan.campaigns.notice_types import Block, ParsedNotice
from zhucan.campaigns.tests import factories as samples

HOSTILE_TITLE = "关于<script>alert('x')</script>的通知 & 附件"
SEED_ORDER = [
    samples.HEADER,
    samples.DOC_NUMBER,
    "关于开展第三十次全国助残日活动的通知",
    "市政府残工委各成员单位：",
    *samples.HEADINGS,
    samples.ISSUER,
    "2020年5月8日",
    "抄送：市委宣传部，市民政局。",
    "2020年5月8日印发",
]


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing or out of order after position {position}"
        position = found + len(item)


# --- .docx -------------------------------------------------------------------------------


def docx_paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    """Body paragraphs in reading order, table cells included (the 版记 is a table)."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def paragraph_with(document: DocxDocument, text: str) -> Paragraph:
    return next(p for p in docx_paragraphs(document) if text in p.text)


def east_asia_of(rpr: Any) -> str | None:
    """The w:eastAsia font of run properties, the slot Word uses for Chinese characters."""
    font: str | None = rpr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    return font


def east_asia_font(paragraph: Paragraph) -> str | None:
    return east_asia_of(paragraph.runs[0]._element.rPr)


def style_east_asia_font(paragraph: Paragraph) -> str | None:
    style: Any = paragraph.style
    return east_asia_of(style.element.rPr)


def pt(length: Length | None) -> float:
    assert length is not None
    points: float = length.pt
    return points


@pytest.fixture(scope="module")
def seed_docx() -> DocxDocument:
    return Document(io.BytesIO(render_notice_docx(samples.seed_notice())))


def test_docx_parts_come_in_gbt_9704_order(seed_docx: DocxDocument) -> None:
    text = "\n".join(p.text for p in docx_paragraphs(seed_docx))
    assert_in_order(text, SEED_ORDER)
    recipients = paragraph_with(seed_docx, "市政府残工委各成员单位")
    assert recipients.text == "，".join(samples.RECIPIENTS) + "："
    assert paragraph_with(seed_docx, "（一）").text == "（一）制定活动方案"
    assert paragraph_with(seed_docx, "印发").text.split("\t") == [
        samples.ISSUER + "办公室",
        "2020年5月8日印发",
    ]


def test_docx_header_is_red_and_fonts_are_the_standard_names(seed_docx: DocxDocument) -> None:
    header = paragraph_with(seed_docx, samples.HEADER)
    assert header.runs[0].font.color.rgb == RGBColor(0xE6, 0x00, 0x12)
    expected = {
        samples.HEADER: "方正小标宋简体",
        samples.TITLE: "方正小标宋简体",
        samples.DOC_NUMBER: "仿宋_GB2312",
        "2020年是坚决打赢": "仿宋_GB2312",
        "一、活动主题": "黑体",
        "四、宣传要求": "黑体",
        "（一）制定活动方案": "楷体_GB2312",
        "1.各级民政": "仿宋_GB2312",
        samples.ISSUER + "办公室": "仿宋_GB2312",
    }
    for text, font in expected.items():
        paragraph = paragraph_with(seed_docx, text)
        assert east_asia_font(paragraph) == font, text
        assert style_east_asia_font(paragraph) == font, text
    defaults = seed_docx.styles.element.find(qn("w:docDefaults"))
    rfonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the name


def test_docx_body_is_sanhao_on_a_fixed_line_grid(seed_docx: DocxDocument) -> None:
    body = paragraph_with(seed_docx, "2020年是坚决打赢")
    assert pt(body.runs[0].font.size) == 16
    style: Any = body.style
    assert pt(style.paragraph_format.line_spacing) == pytest.approx(28.95)
    assert pt(style.paragraph_format.first_line_indent) == pytest.approx(2 * layout.CHAR_PITCH_PT)
    assert pt(paragraph_with(seed_docx, samples.TITLE).runs[0].font.size) == 22
    assert pt(paragraph_with(seed_docx, samples.HEADER).runs[0].font.size) >= 36


def test_docx_page_is_a4_with_the_standard_margins(seed_docx: DocxDocument) -> None:
    section = seed_docx.sections[0]
    sizes = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in sizes.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name


def test_docx_footers_carry_a_page_field_between_dashes(seed_docx: DocxDocument) -> None:
    section = seed_docx.sections[0]
    assert seed_docx.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and ("fldSimple" in xml or "instrText" in xml)
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert section.footer.paragraphs[0].paragraph_format.alignment.name == "RIGHT"
    assert section.even_page_footer.paragraphs[0].paragraph_format.alignment.name == "LEFT"


def test_docx_colophon_is_ruled_and_floats_to_the_page_foot(seed_docx: DocxDocument) -> None:
    table = seed_docx.tables[-1]
    tbl_pr = table._tbl.tblPr
    assert tbl_pr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"
    borders = tbl_pr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"  # 0.35 mm thick
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "6"  # 0.25 mm thin
    assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"


def test_docx_red_rule_sits_under_the_doc_number(seed_docx: DocxDocument) -> None:
    paragraph = paragraph_with(seed_docx, samples.DOC_NUMBER)
    ppr: Any = paragraph._p.pPr
    bottom = ppr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == layout.RED_HEX


def test_docx_prints_markup_literally() -> None:
    notice = samples.seed_notice(title=HOSTILE_TITLE, copied_to=["A&B<i>"])
    document = Document(io.BytesIO(render_notice_docx(notice)))
    texts = [p.text for p in docx_paragraphs(document)]
    assert HOSTILE_TITLE in texts
    assert "抄送：A&B<i>。" in texts


def test_docx_leaves_out_missing_parts() -> None:
    notice = ParsedNotice(title="关于测试的通知", body=[Block(0, "正文。")])
    document = Document(io.BytesIO(render_notice_docx(notice)))
    assert [p.text for p in docx_paragraphs(document) if p.text] == ["关于测试的通知", "正文。"]


# --- PDF ---------------------------------------------------------------------------------


def pdftotext(pdf: bytes) -> list[str]:
    """Each page's text in reading order (by position, unlike the content stream), with all
    whitespace removed so that wrapped lines compare as one string."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode().split("\f")[:-1]  # every page ends with a form feed
    return ["".join(page.split()) for page in pages]


def page_footers(pdf: bytes) -> list[str]:
    """The last line of each page as pypdf reads it: the page number, spaces intact."""
    return [page.extract_text().splitlines()[-1] for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    return render_notice_pdf(samples.seed_notice())


def test_pdf_parts_come_in_gbt_9704_order(seed_pdf: bytes) -> None:
    assert_in_order("".join(pdftotext(seed_pdf)), SEED_ORDER)
    assert page_footers(seed_pdf)[0] == "— 1 —"


def test_pdf_is_a4_and_embeds_noto_cjk(seed_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(seed_pdf))
    assert len(reader.pages) >= 1
    fonts: set[str] = set()
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=1)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=1)
        resources: Any = page["/Resources"]["/Font"]  # type: ignore[index]
        fonts |= {str(resources[key].get_object()["/BaseFont"]) for key in resources}
    assert fonts and all("Noto" in name for name in fonts), fonts
    assert any("Sans" in name for name in fonts)  # 黑体 headings
    assert any("Bold" in name for name in fonts)  # 小标宋 header and title
    assert reader.metadata is not None and reader.metadata.title == samples.TITLE


def test_pdf_first_page_has_a_red_header_and_a_red_rule(seed_pdf: bytes, tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    dpi = 60
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-", str(tmp_path / "p")],
        input=seed_pdf,
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    width, height = image.size
    rgb = image.tobytes()

    def is_red(x: int, y: int) -> bool:
        r, g, b = rgb[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        return r > 200 and g < 130 and b < 130  # the thin rule is anti-aliased to (239, 89, 101)

    red_rows = [sum(is_red(x, y) for x in range(width)) for y in range(height // 2)]
    type_area_px = layout.TYPE_AREA_WIDTH_MM / 25.4 * dpi
    assert max(red_rows) >= 0.95 * type_area_px  # the separator spans the type area
    header_rows = [y for y, count in enumerate(red_rows) if 0 < count < 0.95 * type_area_px]
    assert header_rows and min(header_rows) < red_rows.index(max(red_rows))


def test_pdf_prints_markup_literally() -> None:
    notice = samples.seed_notice(title=HOSTILE_TITLE)
    html = render_notice_html(notice)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; 附件" in html
    text = "".join(pdftotext(render_notice_pdf(notice)))
    assert "".join(HOSTILE_TITLE.split()) in text


def test_pdf_long_notice_runs_over_numbered_pages() -> None:
    pdf = render_notice_pdf(samples.long_notice(paragraphs=60))
    footers = page_footers(pdf)
    assert len(footers) >= 3
    assert footers == [f"— {n} —" for n in range(1, len(footers) + 1)]
    pages = pdftotext(pdf)
    # 版记 only on the last page, after the signature, just above the page number.
    assert all("抄送" not in page for page in pages[:-1])
    assert_in_order(pages[-1], [samples.ISSUER, "2020年5月8日", "抄送：", "2020年5月8日印发"])
    assert pages[-1].endswith(f"2020年5月8日印发—{len(pages)}—")


def test_pdf_renderer_never_fetches_urls() -> None:
    with pytest.raises(FatalURLFetchingError):
        OfflineURLFetcher().fetch("https://example.com/logo.png")
    with pytest.raises(FatalURLFetchingError):
        OfflineURLFetcher().fetch("file:///etc/passwd")


# --- shared layout -----------------------------------------------------------------------


def test_layout_numbers_follow_the_standard() -> None:
    assert layout.TYPE_AREA_WIDTH_MM == 156 and layout.TYPE_AREA_HEIGHT_MM == 225
    type_area_height_pt = layout.TYPE_AREA_HEIGHT_MM * layout.PT_PER_MM
    assert 22 * layout.LINE_PITCH_PT <= type_area_height_pt < 23 * layout.LINE_PITCH_PT
    assert 28 * layout.CHAR_PITCH_PT <= layout.TYPE_AREA_WIDTH_PT < 29 * layout.CHAR_PITCH_PT
    metrics = layout.header_metrics(samples.HEADER)
    assert metrics.natural_width_pt * metrics.scale <= layout.TYPE_AREA_WIDTH_PT
    assert metrics.font_pt >= 36


def test_layout_texts() -> None:
    assert layout.format_cn_date(date(2020, 5, 8)) == "2020年5月8日"
    assert layout.recipients_line(["各县残工委：", "各成员单位"]) == "各县残工委，各成员单位："
    assert layout.copied_to_line(["市委宣传部", "市民政局。"]) == "抄送：市委宣传部，市民政局。"
    notice = samples.seed_notice(printer="市残联办公室", print_date=date(2020, 5, 9))
    assert layout.printing_texts(notice) == ("市残联办公室", "2020年5月9日印发")
    kinds = [part.kind for part in layout.notice_parts(samples.seed_notice())]
    assert kinds[:5] == ["header", "doc_number", "red_rule", "title", "recipients"]
    assert kinds[-4:] == ["signature", "date", "copied_to", "printing"]
