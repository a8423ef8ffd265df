"""The GB/T 9704-2012 layout shared by the .docx and the PDF renderer.

Both renderers read their sizes, fonts and colours from here and walk the same ordered list of
parts (``notice_parts``), so the two outputs cannot drift apart. Sizes are in mm where the
standard states mm and in pt where it states 号 (font sizes).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhucan.campaigns.notice_types import ParsedNotice

PT_PER_MM = 72 / 25.4
TWIPS_PER_PT = 20

# Page and 版心 (type area): A4, 37/35/28/26 mm margins leave a 156 x 225 mm type area.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TYPE_AREA_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TYPE_AREA_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
TYPE_AREA_WIDTH_PT = TYPE_AREA_WIDTH_MM * PT_PER_MM

# Font sizes by 号.
SIZE_XIAOCHU_PT = 36.0  # 小初
SIZE_ER_PT = 22.0  # 二号
SIZE_SAN_PT = 16.0  # 三号
SIZE_SI_PT = 14.0  # 四号

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = SIZE_SAN_PT
TITLE_PT = SIZE_ER_PT
COLOPHON_PT = SIZE_SI_PT  # 版记: 4号仿宋
PAGE_NUMBER_PT = SIZE_SI_PT  # 页码: 4号半角宋体

# Word stores exact line spacing in whole twips; rounding 28.99 pt *down* to 579 twips keeps
# 22 lines inside the 225 mm type area (580 twips would push the 22nd line off the page).
LINE_PITCH_TWIPS = math.floor(TYPE_AREA_HEIGHT_MM * PT_PER_MM * TWIPS_PER_PT / LINES_PER_PAGE)
LINE_PITCH_PT = LINE_PITCH_TWIPS / TWIPS_PER_PT  # 28.95
# 28 three-号 characters are 448 pt, wider than the 442 pt type area, so the standard grid
# squeezes them: -0.25 pt of character spacing (a whole number of twips) fits exactly 28.
BODY_CHAR_SPACING_TWIPS = math.floor((TYPE_AREA_WIDTH_PT / CHARS_PER_LINE - BODY_PT) * TWIPS_PER_PT)
BODY_CHAR_SPACING_PT = BODY_CHAR_SPACING_TWIPS / TWIPS_PER_PT  # -0.25
CHAR_PITCH_PT = BODY_PT + BODY_CHAR_SPACING_PT  # one body character, for indents

# Vertical rhythm, in body lines (行) or mm as the standard words it.
HEADER_TOP_MM = 35  # 发文机关标志上边缘至版心上边缘 35 mm (下行文)
DOC_NUMBER_GAP_LINES = 2  # 发文字号: 发文机关标志下空二行
RED_RULE_GAP_MM = 4  # 红色分隔线: 发文字号之下 4 mm
RED_RULE_MM = 0.5
# The 4 mm are measured from the 文号's characters, whose line box already has half the
# leading below them; both renderers put the rule this far below the 文号 line box.
RED_RULE_OFFSET_PT = max(0.0, RED_RULE_GAP_MM * PT_PER_MM - (LINE_PITCH_PT - SIZE_SAN_PT) / 2)
TITLE_GAP_LINES = 2  # 标题: 红色分隔线下空二行
RECIPIENTS_GAP_LINES = 1  # 主送机关: 标题下空一行
SIGNATURE_GAP_LINES = 1  # 落款: 正文下空一行
BODY_INDENT_CHARS = 2  # 每个自然段左空二字
DATE_RIGHT_INDENT_CHARS = 4  # 成文日期右空四字, 署名以成文日期为准居中
COLOPHON_SIDE_INDENT_CHARS = 1  # 抄送/印发机关左空一字, 印发日期右空一字
COLOPHON_THICK_MM = 0.35  # 版记首条、末条分隔线
COLOPHON_THIN_MM = 0.25  # 版记中间分隔线
PAGE_NUMBER_GAP_MM = 7  # 一字线上距版心下边缘 7 mm
PAGE_NUMBER_SIDE_CHARS = 1  # 单页码居右空一字, 双页码居左空一字

# 版头: big enough to be 醒目 but always on one line, narrowed (长体) when the name is long.
HEADER_MAX_PT = 56.0  # about 20 mm characters for short names like "XX市人民政府文件"
HEADER_MIN_PT = SIZE_XIAOCHU_PT
HEADER_MIN_SCALE = 0.6  # narrower than 60 % looks spindly; shrink the size instead

RED_HEX = "E60012"
BLACK_HEX = "000000"


@dataclass(frozen=True)
class FontRole:
    """A standard 公文 font: its name in Word, and the CSS stack that falls back to Noto CJK."""

    name: str
    css_stack: str
    css_weight: int = 400


# The standard names come first in the CSS stacks so that a machine with the real fonts uses
# them; the server only has fonts-noto-cjk, whose Serif stands in for 宋/仿宋/楷 and Sans for 黑.
XIAOBIAOSONG = FontRole(
    "方正小标宋简体", '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif', 700
)
FANGSONG = FontRole("仿宋_GB2312", '"仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", serif')
HEITI = FontRole("黑体", '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif')
KAITI = FontRole("楷体_GB2312", '"楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC", serif')
SONGTI = FontRole("宋体", '"宋体", "SimSun", "Noto Serif CJK SC", serif')

# Body heading levels (Block.level) -> font: 一、黑体; （一）楷体; 1. and （1） 仿宋.
LEVEL_FONTS = {0: FANGSONG, 1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}


class PartKind(StrEnum):
    HEADER = "header"
    DOC_NUMBER = "doc_number"
    RED_RULE = "red_rule"
    TITLE = "title"
    RECIPIENTS = "recipients"
    BODY = "body"
    SIGNATURE = "signature"
    DATE = "date"
    COPIED_TO = "copied_to"
    PRINTING = "printing"


COLOPHON_KINDS = frozenset({PartKind.COPIED_TO, PartKind.PRINTING})


@dataclass(frozen=True)
class Part:
    """One printed element of the notice, in reading order.

    ``extra`` is the right-hand text of the printing line (印发日期); ``right_indent_chars`` is
    the right indent of the signature and the date, in body characters.
    """

    kind: PartKind
    text: str = ""
    level: int = 0
    extra: str = ""
    right_indent_chars: float = 0.0

    @property
    def font(self) -> FontRole:
        return LEVEL_FONTS.get(self.level, FANGSONG)


@dataclass(frozen=True)
class HeaderMetrics:
    font_pt: float
    scale: float  # horizontal scale, 1.0 = normal width
    natural_width_pt: float  # the line's width before scaling


def text_width_em(text: str) -> float:
    """Width in ems: CJK and full-width characters are 1 em, Arabic digits and Latin half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def header_metrics(text: str) -> HeaderMetrics:
    """Size and horizontal scale that keep the 版头 on one line across the type area."""
    width_em = max(text_width_em(text), 1.0)
    fitting_pt = TYPE_AREA_WIDTH_PT / (width_em * HEADER_MIN_SCALE)
    # Half points, as Word stores font sizes (w:sz) in half points.
    font_pt = math.floor(max(HEADER_MIN_PT, min(HEADER_MAX_PT, fitting_pt)) * 2) / 2
    natural = width_em * font_pt
    # Whole percent, rounded down, as Word's character scale (w:w) only takes integers.
    scale = math.floor(min(1.0, TYPE_AREA_WIDTH_PT / natural) * 100) / 100
    return HeaderMetrics(font_pt=font_pt, scale=scale, natural_width_pt=round(natural, 2))


def format_cn_date(value: date) -> str:
    """成文日期 in Arabic numerals with no leading zeros, as the 2012 standard asks."""
    return f"{value.year}年{value.month}月{value.day}日"


def recipients_line(recipients: list[str]) -> str:
    names = [r.strip().rstrip("：:，,") for r in recipients if r.strip()]
    return "，".join(names) + "：" if names else ""


def copied_to_line(copied_to: list[str]) -> str:
    names = [c.strip().rstrip("。.，,") for c in copied_to if c.strip()]
    return "抄送：" + "，".join(names) + "。" if names else ""


def issuing_body(notice: ParsedNotice) -> str:
    return (notice.signature or notice.issuer or "").strip()


def printing_texts(notice: ParsedNotice) -> tuple[str, str]:
    """(印发机关, "YYYY年M月D日印发"); by default the issuer's 办公室, on the issue date."""
    printer = (notice.printer or "").strip()
    if not printer and issuing_body(notice):
        printer = issuing_body(notice) + "办公室"
    when = notice.print_date or notice.issue_date
    return printer, (format_cn_date(when) + "印发" if when else "")


def signature_indents(signature: str, date_text: str) -> tuple[float, float]:
    """Right indents (in characters) of 署名 and 成文日期.

    The date sits 4 characters from the right; the signature is centred over it, but never
    pushed past the right edge when it is much longer than the date.
    """
    date_indent = float(DATE_RIGHT_INDENT_CHARS)
    if not date_text:
        return date_indent, 0.0
    centre = date_indent + text_width_em(date_text) / 2
    return max(0.0, centre - text_width_em(signature) / 2), date_indent


def notice_parts(notice: ParsedNotice) -> list[Part]:
    """Every printed element in GB/T 9704 order; missing fields are simply left out."""
    parts: list[Part] = []
    if notice.header:
        parts.append(Part(PartKind.HEADER, notice.header.strip()))
    if notice.doc_number:
        parts.append(Part(PartKind.DOC_NUMBER, notice.doc_number.strip()))
    if notice.header or notice.doc_number:
        parts.append(Part(PartKind.RED_RULE))
    if notice.title:
        parts.append(Part(PartKind.TITLE, notice.title.strip()))
    if recipients := recipients_line(notice.recipients):
        parts.append(Part(PartKind.RECIPIENTS, recipients))
    for block in notice.body:
        text = f"{block.number or ''}{block.text}".strip()
        if text:
            parts.append(Part(PartKind.BODY, text, level=block.level))
    signature = issuing_body(notice)
    date_text = format_cn_date(notice.issue_date) if notice.issue_date else ""
    sig_indent, date_indent = signature_indents(signature, date_text)
    if signature:
        parts.append(Part(PartKind.SIGNATURE, signature, right_indent_chars=sig_indent))
    if date_text:
        parts.append(Part(PartKind.DATE, date_text, right_indent_chars=date_indent))
    if copied := copied_to_line(notice.copied_to):
        parts.append(Part(PartKind.COPIED_TO, copied))
    printer, printed_on = printing_texts(notice)
    if printer or printed_on:
        parts.append(Part(PartKind.PRINTING, printer, extra=printed_on))
    return parts
