"""Notice parsing and 公文 rendering (bars: parse < 100 ms, .docx < 1 s, PDF < 5 s)."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from bench.timing import measure

SEED = Path(__file__).resolve().parent.parent / "zhucan/campaigns/demo_data/pingdingshan_2020.txt"


def run() -> dict[str, float]:
    from docx import Document
    from weasyprint import HTML

    from zhucan.campaigns.documents import render_notice_docx, render_notice_pdf
    from zhucan.campaigns.notice_parser import parse_notice_text

    text = SEED.read_text(encoding="utf-8")
    parsed = parse_notice_text(text)

    # Baselines: the least any parser must do (fold and split the text), an empty Word file,
    # and a one-paragraph PDF through the same engine.
    base_parse = measure(lambda: unicodedata.normalize("NFKC", text).splitlines(), repeat=200)
    parse = measure(lambda: parse_notice_text(text), repeat=50)

    def empty_docx() -> None:
        Document().save(io.BytesIO())

    base_docx = measure(empty_docx, repeat=10)
    docx = measure(lambda: render_notice_docx(parsed), repeat=10)
    base_pdf = measure(lambda: HTML(string="<p>通知</p>").write_pdf(), repeat=3)
    pdf = measure(lambda: render_notice_pdf(parsed), repeat=3)
    return {
        "notice_parse_ms": round(parse.median_ms, 2),
        "notice_parse_ratio_vs_split": round(parse.median_ms / base_parse.median_ms, 1),
        "notice_docx_ms": round(docx.median_ms, 1),
        "notice_docx_ratio_vs_empty": round(docx.median_ms / base_docx.median_ms, 1),
        "notice_pdf_ms": round(pdf.median_ms, 1),
        "notice_pdf_ratio_vs_one_line": round(pdf.median_ms / base_pdf.median_ms, 1),
    }
