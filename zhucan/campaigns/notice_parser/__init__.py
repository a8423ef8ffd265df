"""The notice (通知) parser: text or file in, ``ParsedNotice`` out.

    text = read_notice_file("notice.docx")      # NoticeFileError with a Chinese message
    notice = parse_notice_text(text)            # never raises; see notice.reports
    if not is_notice(notice): ...               # no title/文号 or no body

Pure Python (no Django), so the editor, the importer and the management command share it.
"""

from __future__ import annotations

from .files import NoticeFileError, read_notice_file
from .parser import MAIN_FIELDS, is_notice, parse_notice_text
from .render import format_notice_text

__all__ = [
    "MAIN_FIELDS",
    "NoticeFileError",
    "format_notice_text",
    "is_notice",
    "parse_notice_text",
    "read_notice_file",
]
