"""The plan as a 实施方案 .docx, in the usual layout, built from its structure (python-docx).

Title in 方正小标宋简体 二号, section headings (一、二、…) in 黑体 三号, body in 仿宋_GB2312 三号,
the activities as a table in 仿宋 小四. Font names go into every w:rFonts slot including
w:eastAsia (as the notice renderer does): Word picks the East Asian slot for Chinese text and
would otherwise fall back to the theme font. The text is Chinese whatever the page language:
it is an official document.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from zhucan.campaigns.documents import layout as gb
from zhucan.campaigns.documents.layout import FontRole
from zhucan.plans.models import Plan, PlannedActivity

TABLE_PT = 12.0  # 小四
CATEGORY_ZH = {
    "visit": "慰问",
    "publicity": "宣传",
    "employment": "就业服务",
    "rehabilitation": "康复",
    "education": "教育",
    "assistance": "帮扶",
    "culture_sports": "文体",
    "other": "其他",
}
MODE_ZH = {"online": "线上", "in_person": "线下", "both": "线上线下结合"}
TABLE_HEADERS = ("序号", "活动名称", "时间", "地点", "形式", "预计人数", "负责人及电话", "防控措施")
TABLE_WIDTHS_MM = (10, 30, 22, 22, 14, 14, 22, 22)
DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """30 → 三十, 12 → 十二, 105 → 一百零五 (editions of a day, 1 to 999)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + chinese_number(rest) if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail  # 一百一十五, not 一百十五
    return DIGITS[n // 100] + "百" + tail


def plan_title(plan: Plan) -> str:
    campaign = plan.campaign
    edition = f"第{chinese_number(campaign.edition)}次" if campaign.edition else ""
    return f"{plan.organisation.name}关于开展{edition}{campaign.kind.name}活动的实施方案"


def _font(run_rpr: Any, role: FontRole, size_pt: float) -> None:
    fonts = run_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_rpr.insert(0, fonts)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), role.name)
    fonts.set(qn("w:hint"), "eastAsia")
    for tag in ("w:sz", "w:szCs"):
        size = run_rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            run_rpr.append(size)
        size.set(qn("w:val"), str(round(size_pt * 2)))


def _paragraph(
    target: Any,
    text: str,
    role: FontRole = gb.FANGSONG,
    size_pt: float = gb.BODY_PT,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
) -> Paragraph:
    paragraph: Paragraph = target.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(gb.LINE_PITCH_PT if size_pt >= gb.BODY_PT else size_pt * 1.5)
    if indent:
        fmt.first_line_indent = Pt(size_pt * gb.BODY_INDENT_CHARS)
    run = paragraph.add_run(text)
    _font(run._element.get_or_add_rPr(), role, size_pt)
    return paragraph


def _setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(gb.PAGE_WIDTH_MM), Mm(gb.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(gb.MARGIN_TOP_MM), Mm(gb.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(gb.MARGIN_LEFT_MM), Mm(gb.MARGIN_RIGHT_MM)
    normal = document.styles["Normal"]
    _font(normal.element.get_or_add_rPr(), gb.FANGSONG, gb.BODY_PT)


def _text_block(document: DocxDocument, text: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or ["（无）"]:
        _paragraph(document, line)


def _dates(activity: PlannedActivity) -> str:
    start, end = activity.start_date, activity.end_date
    if start == end:
        return f"{start.month}月{start.day}日"
    return f"{start.month}月{start.day}日至{end.month}月{end.day}日"


def _activity_table(document: DocxDocument, activities: list[PlannedActivity]) -> None:
    if not activities:
        _paragraph(document, "（无）")
        return
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [TABLE_HEADERS] + [
        (
            str(number),
            f"{a.title}（{CATEGORY_ZH.get(a.category, '')}）",
            _dates(a),
            "".join(filter(None, [a.region.name if a.region else "", a.place])),
            MODE_ZH.get(a.mode, ""),
            str(a.expected_attendance),
            " ".join(filter(None, [a.person_responsible, a.phone])),
            a.safety_measures if a.mode != "online" else "—",
        )
        for number, a in enumerate(activities, start=1)
    ]
    for index, values in enumerate(rows):
        cells = table.rows[0].cells if index == 0 else table.add_row().cells
        for cell, value, width in zip(cells, values, TABLE_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            role = gb.HEITI if index == 0 else gb.FANGSONG
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(value)._element.get_or_add_rPr(), role, TABLE_PT)


def render_plan_docx(plan: Plan) -> bytes:
    """The plan as it stands, as a Word document."""
    activities = list(plan.activities.select_related("region", "duty"))
    document = Document()
    _setup(document)
    title = _paragraph(
        document,
        plan_title(plan),
        gb.XIAOBIAOSONG,
        gb.TITLE_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    title.paragraph_format.space_after = Pt(gb.LINE_PITCH_PT)
    sections = [
        ("一、活动目标", plan.aims),
        ("二、组织领导", plan.leadership),
        ("三、活动安排", None),
        ("四、宣传安排", plan.publicity),
        ("五、保障措施", plan.safeguards),
    ]
    for heading, text in sections:
        _paragraph(document, heading, gb.HEITI)
        if text is None:
            _activity_table(document, activities)
        else:
            _text_block(document, text)
    day = timezone.localdate(plan.submitted_at) if plan.submitted_at else timezone.localdate()
    signature = _paragraph(
        document, plan.organisation.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    signature.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT)
    _paragraph(
        document,
        f"{day.year}年{day.month}月{day.day}日",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
