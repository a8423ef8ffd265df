"""Reading a notice from a .txt or .docx file, refusing anything unsafe or not text.

A .docx is a zip of XML parts, and it comes from outside, so before python-docx sees it every
part is unpacked through ``core/safezip.py``: inflated in small steps and counted (never
trusting the sizes the zip declares), within limits on each part, the total and the ratio,
and refused if it declares a DTD or entity ("billion laughs"). python-docx then reads a
re-packed copy of exactly those checked bytes.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from zhucan.core.safezip import SafeZip, UnsafeZipError, ZipLimits, ZipProblem, repack

MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
# Tiny parts of repetitive XML legitimately compress better than 100:1.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 2000
MAX_TABLE_DEPTH = 5
# A real notice is a few thousand characters; this keeps parsing of any file under seconds.
MAX_TEXT_CHARS = 500_000
DOCUMENT_PART = "word/document.xml"
_ALLOWED_CONTROL = frozenset("\n\r\t\f")


class NoticeFileError(Exception):
    """A notice file that cannot be read; the message is for the user, in Chinese."""


def read_notice_file(path: str | Path) -> str:
    """The text of a .txt (UTF-8, UTF-16 or GB18030) or .docx notice, one paragraph a line."""
    file = Path(path)
    if not file.exists():
        raise NoticeFileError(f"找不到文件：{file}")
    if not file.is_file():
        raise NoticeFileError(f"不是一个文件：{file}")
    try:
        size = file.stat().st_size
        if size == 0:
            raise NoticeFileError(f"文件是空的：{file.name}")
        suffix = file.suffix.lower()
        if suffix == ".docx":
            text = _read_docx(file, size)
        elif suffix in (".txt", ".text"):
            text = _read_txt(file, size)
        elif suffix in (".doc", ".wps"):
            raise NoticeFileError(
                f"不支持旧版 Word 格式（{suffix}），请另存为 .docx 或 .txt 后再导入"
            )
        else:
            raise NoticeFileError(
                f"不支持的文件类型“{suffix or '无扩展名'}”，请提供 .txt 或 .docx 文件"
            )
    except OSError as exc:
        raise NoticeFileError(f"无法读取文件 {file.name}：{exc.strerror or exc}") from exc
    if not text.strip():
        raise NoticeFileError(f"文件中没有文字：{file.name}")
    if len(text) > MAX_TEXT_CHARS:
        raise NoticeFileError(
            f"{file.name} 的文字过长（{len(text)} 字），不像是一份通知，上限 {MAX_TEXT_CHARS} 字"
        )
    return text


def _read_txt(file: Path, size: int) -> str:
    if size > MAX_TEXT_BYTES:
        raise NoticeFileError(f"文本文件过大（{size // 1024} KB），通知不应超过 5 MB")
    data = file.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        raise NoticeFileError(
            f"{file.name} 不是文本文件（含有二进制内容），请提供 .txt 或 .docx 通知"
        )
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise NoticeFileError(
        f"{file.name} 不是可识别的文本文件（不是 UTF-8 或 GB18030 编码，或含有二进制内容）"
    )


def _looks_binary(text: str) -> bool:
    """Random bytes often decode as GB18030; they still show control and unassigned chars."""
    odd = sum(
        1
        for char in text
        if char not in _ALLOWED_CONTROL and unicodedata.category(char) in ("Cc", "Co", "Cn")
    )
    return odd > max(2, len(text) // 100)


def _limits() -> ZipLimits:
    return ZipLimits(
        max_parts=MAX_MEMBERS,
        max_part_bytes=MAX_UNCOMPRESSED_BYTES,
        max_total_bytes=MAX_UNCOMPRESSED_BYTES,
        max_ratio=MAX_RATIO,
        ratio_from_bytes=RATIO_CHECK_MIN_BYTES,
    )


def _refusal(error: UnsafeZipError, name: str) -> NoticeFileError:
    limit_mb = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    messages = {
        ZipProblem.TOO_BIG: (
            f"{name} 解压后超过 {limit_mb} MB 上限（或内部文件数量异常），疑似压缩炸弹，已拒绝"
        ),
        ZipProblem.RATIO: (
            f"{name} 的压缩比异常（{error.part} 超过 {MAX_RATIO}:1 的上限），疑似压缩炸弹，已拒绝"
        ),
        ZipProblem.DOCTYPE: (
            f"{name} 中含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝"
        ),
        ZipProblem.UTF16: f"{name} 已损坏：{error.part} 不是 UTF-8 编码的 XML",
    }
    return NoticeFileError(
        messages.get(error.problem, f"{name} 不是有效的 .docx 文件（无法作为 Word 文档打开）")
    )


def _checked_package(file: Path) -> bytes:
    """The .docx re-packed from its parts, each unpacked within the limits and checked."""
    try:
        with SafeZip(file.read_bytes(), limits=_limits()) as package:
            if DOCUMENT_PART not in package.names:
                raise NoticeFileError(
                    f"{file.name} 不是有效的 .docx 文件（缺少正文 {DOCUMENT_PART}）"
                )
            return repack(package.parts())
    except UnsafeZipError as error:
        raise _refusal(error, file.name) from None


def _read_docx(file: Path, size: int) -> str:
    if size > MAX_DOCX_BYTES:
        raise NoticeFileError(f"{file.name} 过大（{size // (1024 * 1024)} MB），上限 20 MB")
    package = _checked_package(file)
    try:
        document = docx.Document(io.BytesIO(package))
        lines: list[str] = []
        for item in document.iter_inner_content():
            _collect(item, lines, 0)
    except Exception as exc:  # python-docx raises many kinds on malformed packages
        raise NoticeFileError(f"{file.name} 不是有效的 .docx 文件（{type(exc).__name__}）") from exc
    return "\n".join(lines)


def _collect(item: Paragraph | Table, lines: list[str], depth: int) -> None:
    if isinstance(item, Paragraph):
        lines.append(item.text)
        return
    if depth >= MAX_TABLE_DEPTH:
        return
    for row in item.rows:
        seen: set[int] = set()
        for cell in row.cells:
            # python-docx repeats a merged cell once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for inner in cell.iter_inner_content():
                _collect(inner, lines, depth + 1)
