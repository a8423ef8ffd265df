"""``manage.py parse_notice FILE [--format json|text]``: show what the parser reads in a notice.

Any input it cannot use ends with a Chinese message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.campaigns.notice_parser import (
    NoticeFileError,
    format_notice_text,
    is_notice,
    parse_notice_text,
    read_notice_file,
)

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "解析通知文件（.txt 或 .docx），逐项列出识别出的发文字号、标题、主送机关、职责等字段。"
    # The parser needs neither the database nor the rest of the project to be healthy.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="通知文件路径（.txt 或 .docx）")
        parser.add_argument(
            "--format",
            choices=("json", "text"),
            default="text",
            help="输出格式：text（默认，逐项列出）或 json",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        try:
            text = read_notice_file(path)
        except NoticeFileError as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_INPUT) from exc
        try:
            notice = parse_notice_text(text)
        except Exception as exc:  # a parser bug must still not show the user a traceback
            raise CommandError(
                f"解析通知时发生内部错误（{type(exc).__name__}），请把文件交给管理员排查",
                returncode=EXIT_BAD_INPUT,
            ) from exc
        if not is_notice(notice):
            raise CommandError(
                f"{path} 看起来不是一份通知：没有找到标题（“……的通知”）或发文字号，或没有正文",
                returncode=EXIT_BAD_INPUT,
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(notice.to_json_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_notice_text(notice))
