"""``manage.py render_notice FILE --output OUT.docx|OUT.pdf``: a notice file as a 公文."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.campaigns.documents import render_notice_docx, render_notice_pdf
from zhucan.campaigns.notice_parser import (
    NoticeFileError,
    is_notice,
    parse_notice_text,
    read_notice_file,
)
from zhucan.campaigns.notice_types import ParsedNotice

RENDERERS: dict[str, Callable[[ParsedNotice], bytes]] = {
    ".docx": render_notice_docx,
    ".pdf": render_notice_pdf,
}
USAGE_ERROR = 2  # like argparse: the command was given something it cannot use


def read_notice(path: Path) -> ParsedNotice:
    """Parse a notice .txt or .docx with the shared notice parser."""
    try:
        notice = parse_notice_text(read_notice_file(path))
    except NoticeFileError as exc:
        raise CommandError(f"无法读取通知文件：{exc}", returncode=USAGE_ERROR) from exc
    if not is_notice(notice):
        raise CommandError(
            f"{path} 中没有识别出通知的标题或正文，无法排版。", returncode=USAGE_ERROR
        )
    return notice


class Command(BaseCommand):
    help = "把通知（.txt 或 .docx）按 GB/T 9704-2012 排成公文，输出 .docx 或 .pdf。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="通知文件：.txt 或 .docx")
        parser.add_argument(
            "--output", "-o", type=Path, required=True, help="输出文件：.docx 或 .pdf"
        )

    def handle(self, *args: Any, file: Path, output: Path, **options: Any) -> None:
        renderer = RENDERERS.get(output.suffix.lower())
        if renderer is None:
            raise CommandError(
                f"不支持的输出格式“{output.suffix or output.name}”："
                "输出文件须以 .docx 或 .pdf 结尾。",
                returncode=USAGE_ERROR,
            )
        if not file.is_file():
            raise CommandError(f"找不到通知文件：{file}", returncode=USAGE_ERROR)
        if not output.parent.is_dir():
            raise CommandError(f"输出目录不存在：{output.parent}", returncode=USAGE_ERROR)
        data = renderer(read_notice(file))
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已生成 {output}（{len(data)} 字节）"))
