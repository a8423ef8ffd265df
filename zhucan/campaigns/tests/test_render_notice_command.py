"""``manage.py render_notice FILE --output OUT.docx|OUT.pdf``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from pypdf import PdfReader

from zhucan.campaigns.tests.factories import SEED_NOTICE_TEXT, TITLE


def require_parser() -> None:
    # The parser is another module; while it is missing its package may be an empty folder,
    # which imports fine as a namespace package, so look for the function too.
    parser = pytest.importorskip("zhucan.campaigns.notice_parser")
    if not hasattr(parser, "parse_notice_text"):
        pytest.skip("zhucan.campaigns.notice_parser has no parse_notice_text yet")


@pytest.fixture
def notice_file(tmp_path: Path) -> Path:
    path = tmp_path / "notice.txt"
    path.write_text(SEED_NOTICE_TEXT, encoding="utf-8")
    return path


def test_unknown_output_extension_is_a_usage_error(notice_file: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不支持的输出格式") as caught:
        call_command("render_notice", str(notice_file), "--output", str(tmp_path / "out.odt"))
    assert caught.value.returncode == 2
    assert not (tmp_path / "out.odt").exists()


def test_missing_input_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到通知文件") as caught:
        call_command("render_notice", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.pdf"))
    assert caught.value.returncode == 2


def test_renders_a_notice_text_as_docx_and_pdf(notice_file: Path, tmp_path: Path) -> None:
    require_parser()
    docx_path, pdf_path = tmp_path / "notice.docx", tmp_path / "notice.pdf"
    out = io.StringIO()
    call_command("render_notice", str(notice_file), "--output", str(docx_path), stdout=out)
    call_command("render_notice", str(notice_file), "--output", str(pdf_path), stdout=out)
    assert "已生成" in out.getvalue()
    texts = [p.text for p in Document(io.BytesIO(docx_path.read_bytes())).paragraphs]
    assert TITLE in texts
    pages = PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    assert len(pages) >= 1 and "— 1 —" in pages[0].extract_text()


def test_unreadable_notice_is_a_usage_error(tmp_path: Path) -> None:
    require_parser()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a zip file")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for bad in (broken, empty):
        with pytest.raises(CommandError) as caught:
            call_command("render_notice", str(bad), "--output", str(tmp_path / "out.pdf"))
        assert caught.value.returncode == 2
    assert not (tmp_path / "out.pdf").exists()
