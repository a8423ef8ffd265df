"""The summary report as PDF (WeasyPrint), in the same GB/T 9704 layout as the .docx.

The HTML is ``summaries/summary_document.html``; sizes and font stacks come from the notice
renderer's ``layout`` (standard names first, then the Noto CJK fonts the server has). Photos go
in as ``data:`` URIs and the notice renderer's fetcher refuses anything else, so a summary never
makes the server call out.
"""

from __future__ import annotations

import base64
from functools import cache

from django.conf import settings
from django.template import Context, Engine
from weasyprint import HTML

from zhucan.campaigns.documents import layout as gb
from zhucan.campaigns.documents.pdf_render import OfflineURLFetcher
from zhucan.summaries.document.content import Block, Kind, SummaryDocument
from zhucan.summaries.document.photos import print_photo

TEMPLATE_NAME = "summaries/summary_document.html"
PHOTO_MAX_WIDTH_MM = 100
PHOTO_MAX_HEIGHT_MM = 70


@cache
def _engine() -> Engine:
    # A private engine: no request, context processors or other apps' tags are needed, so the
    # PDF renders the same in a view, a task or a shell.
    return Engine(dirs=[str(settings.BASE_DIR / "templates")], autoescape=True)


def _pt(value: float) -> str:
    return f"{round(value, 3):g}pt"


def _mm(value: float) -> str:
    return f"{value:g}mm"


def _css() -> dict[str, str]:
    line = gb.LINE_PITCH_PT
    number_top = gb.PAGE_NUMBER_GAP_MM * gb.PT_PER_MM - gb.PAGE_NUMBER_PT / 2
    return {
        "page_width": _mm(gb.PAGE_WIDTH_MM),
        "page_height": _mm(gb.PAGE_HEIGHT_MM),
        "margin_top": _mm(gb.MARGIN_TOP_MM),
        "margin_right": _mm(gb.MARGIN_RIGHT_MM),
        "margin_bottom": _mm(gb.MARGIN_BOTTOM_MM),
        "margin_left": _mm(gb.MARGIN_LEFT_MM),
        "body_size": _pt(gb.BODY_PT),
        "line": _pt(line),
        "half_line": _pt(line / 2),
        "char_spacing": _pt(gb.BODY_CHAR_SPACING_PT),
        "body_indent": _pt(gb.BODY_INDENT_CHARS * gb.CHAR_PITCH_PT),
        "title_size": _pt(gb.TITLE_PT),
        "caption_size": _pt(gb.SIZE_SI_PT),
        "table_size": _pt(12.0),
        "photo_max_width": _mm(PHOTO_MAX_WIDTH_MM),
        "photo_max_height": _mm(PHOTO_MAX_HEIGHT_MM),
        "page_number_size": _pt(gb.PAGE_NUMBER_PT),
        "page_number_side": _pt(gb.PAGE_NUMBER_SIDE_CHARS * gb.PAGE_NUMBER_PT),
        "page_number_top": _pt(max(0.0, number_top)),
    }


def _fonts() -> dict[str, str]:
    return {
        "xiaobiaosong": gb.XIAOBIAOSONG.css_stack,
        "xiaobiaosong_weight": str(gb.XIAOBIAOSONG.css_weight),
        "fangsong": gb.FANGSONG.css_stack,
        "heiti": gb.HEITI.css_stack,
        "kaiti": gb.KAITI.css_stack,
        "songti": gb.SONGTI.css_stack,
    }


def _photo_uri(block: Block) -> str:
    """The photo, at print size, as a data: URI; "" when it cannot be read."""
    printed = print_photo(block.photo) if block.photo is not None else None
    if printed is None:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(printed[0]).decode("ascii")


def _view(block: Block) -> dict[str, object]:
    return {
        "kind": block.kind.value,
        "text": block.text,
        "table": block.table,
        "photo": _photo_uri(block) if block.kind is Kind.PHOTO else "",
        "right_indent": _pt(block.right_indent_chars * gb.CHAR_PITCH_PT),
    }


def render_summary_html(summary: SummaryDocument) -> str:
    context = {
        "title": summary.title,
        "author": summary.author,
        "css": _css(),
        "fonts": _fonts(),
        "blocks": [_view(b) for b in summary.blocks],
    }
    template = _engine().get_template(TEMPLATE_NAME)
    return template.render(Context(context, autoescape=True, use_l10n=False))


def render_summary_pdf(summary: SummaryDocument) -> bytes:
    html = HTML(
        string=render_summary_html(summary),
        base_url=str(settings.BASE_DIR / "templates"),
        url_fetcher=OfflineURLFetcher(),
    )
    pdf: bytes | None = html.write_pdf()
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf
