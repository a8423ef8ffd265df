"""Render a ``ParsedNotice`` as a GB/T 9704-2012 PDF with WeasyPrint.

The HTML comes from ``campaigns/notice_document.html`` (CSS inline, filled from ``layout``).
Page numbers "— N —" sit outside the type area as the standard asks: odd pages right, even pages
left, one character in. The 版记 is a CSS footnote, which WeasyPrint places at the foot of the
page that holds the end of the document. The standard fonts are named first in every font stack;
on a server without them the installed Noto CJK fonts are embedded instead. Nothing is fetched:
the only URL scheme the fetcher lets through is ``data:``.
"""

# ruff: noqa: E402

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

# WeasyPrint logs every layout step at INFO, even while it is imported, and the site logs INFO
# to the console: without this each PDF would print a dozen "Step …" lines. So this comes
# before the imports below (hence E402); WeasyPrint's warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from django.template import Context, Engine
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from zhucan.campaigns.documents import layout as gb
from zhucan.campaigns.documents.layout import Part
from zhucan.campaigns.notice_types import ParsedNotice

TEMPLATE_NAME = "campaigns/notice_document.html"
_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


class OfflineURLFetcher(URLFetcher):
    """Refuses every URL but inline ``data:``; government intranets have no internet, and a
    notice must never make the server call out."""

    def __init__(self) -> None:
        # WeasyPrint has no type hints (and no stub package): its methods are untyped.
        super().__init__()  # type: ignore[no-untyped-call]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            raise FatalURLFetchingError(f"Refusing to fetch {url!r}: notices render offline")
        response: URLFetcherResponse = super().fetch(url, headers)  # type: ignore[no-untyped-call]
        return response


@cache
def _engine() -> Engine:
    # A private engine rather than the site's: rendering needs no request, context processors
    # or tag libraries from other apps, so it works the same in a task or a management command.
    return Engine(dirs=[str(_TEMPLATE_DIR)], autoescape=True)


def _mm(value: float) -> str:
    return f"{value:g}mm"


def _pt(value: float) -> str:
    return f"{round(value, 3):g}pt"


def _css(notice: ParsedNotice) -> dict[str, str]:
    header = gb.header_metrics(notice.header or "")
    line = gb.LINE_PITCH_PT
    # The page number's dashes sit mid-height of a 4号 line: drop the line box by the gap
    # minus half its height so the dashes end up 7 mm below the type area.
    number_top = gb.PAGE_NUMBER_GAP_MM * gb.PT_PER_MM - gb.PAGE_NUMBER_PT / 2
    return {
        "page_width": _mm(gb.PAGE_WIDTH_MM),
        "page_height": _mm(gb.PAGE_HEIGHT_MM),
        "margin_top": _mm(gb.MARGIN_TOP_MM),
        "margin_right": _mm(gb.MARGIN_RIGHT_MM),
        "margin_bottom": _mm(gb.MARGIN_BOTTOM_MM),
        "margin_left": _mm(gb.MARGIN_LEFT_MM),
        "red": gb.RED_HEX,
        "body_size": _pt(gb.BODY_PT),
        "line": _pt(line),
        "char_spacing": _pt(gb.BODY_CHAR_SPACING_PT),
        "body_indent": _pt(gb.BODY_INDENT_CHARS * gb.CHAR_PITCH_PT),
        "header_top": _mm(gb.HEADER_TOP_MM),
        "header_size": _pt(header.font_pt),
        "header_width": _pt(header.natural_width_pt),
        "header_offset": _pt((gb.TYPE_AREA_WIDTH_PT - header.natural_width_pt) / 2),
        "header_scale": f"{header.scale:g}",
        "doc_number_gap": _pt(gb.DOC_NUMBER_GAP_LINES * line),
        "red_rule_offset": _pt(gb.RED_RULE_OFFSET_PT),
        "red_rule": _mm(gb.RED_RULE_MM),
        "title_gap": _pt(gb.TITLE_GAP_LINES * line),
        "title_size": _pt(gb.TITLE_PT),
        "recipients_gap": _pt(gb.RECIPIENTS_GAP_LINES * line),
        "signature_gap": _pt(gb.SIGNATURE_GAP_LINES * line),
        "colophon_size": _pt(gb.COLOPHON_PT),
        "colophon_thick": _mm(gb.COLOPHON_THICK_MM),
        "colophon_thin": _mm(gb.COLOPHON_THIN_MM),
        "colophon_side": _pt(gb.COLOPHON_SIDE_INDENT_CHARS * gb.COLOPHON_PT),
        "copied_to_indent": _pt((gb.COLOPHON_SIDE_INDENT_CHARS + 3) * gb.COLOPHON_PT),
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


def _view(part: Part) -> dict[str, str]:
    # Strings only: Django would localise numbers, which needs settings and could turn a
    # decimal point into a comma inside the CSS.
    return {
        "kind": part.kind.value,
        "text": part.text,
        "level": str(part.level),
        "extra": part.extra,
        "right_indent": _pt(part.right_indent_chars * gb.CHAR_PITCH_PT),
    }


def render_notice_html(notice: ParsedNotice) -> str:
    """The HTML that WeasyPrint lays out; every notice string is auto-escaped."""
    parts = gb.notice_parts(notice)
    context = {
        "title": notice.title or "",
        "author": gb.issuing_body(notice),
        "css": _css(notice),
        "fonts": _fonts(),
        "parts": [_view(p) for p in parts if p.kind not in gb.COLOPHON_KINDS],
        "colophon": [_view(p) for p in parts if p.kind in gb.COLOPHON_KINDS],
    }
    template = _engine().get_template(TEMPLATE_NAME)
    return template.render(Context(context, autoescape=True, use_l10n=False))


def render_notice_pdf(notice: ParsedNotice) -> bytes:
    """The notice as PDF bytes, laid out by GB/T 9704-2012."""
    html = HTML(
        string=render_notice_html(notice),
        base_url=str(_TEMPLATE_DIR),
        url_fetcher=OfflineURLFetcher(),
    )
    pdf: bytes | None = html.write_pdf()
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return pdf
