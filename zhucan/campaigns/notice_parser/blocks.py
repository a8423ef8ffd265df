"""Body paragraphs: numbering markers, page-break re-joining and sections under a heading.

Levels follow GB/T 9704: 1 = 一、  2 = （一）  3 = 1．  4 = （1）, 0 = ordinary paragraph.
Both widths of the brackets and of the full stop are accepted (the seed writes "(二)" and "1.").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..notice_types import Block
from .dates import cn_to_int
from .normalise import Line, ends_sentence, glue, has_clause_punctuation

_CN = "一二三四五六七八九十"
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(rf"^(?P<num>[（(]\s*(?P<n>[{_CN}]{{1,3}})\s*[）)])\s*")),
    (4, re.compile(r"^(?P<num>[（(]\s*(?P<n>\d{1,2})\s*[）)])\s*")),
    (1, re.compile(rf"^(?P<num>(?P<n>[{_CN}]{{1,3}})\s*[、．.，,])\s*")),
    # "1.5万人" is a number, not an item, hence the digit look-ahead.
    (3, re.compile(r"^(?P<num>(?P<n>\d{1,2})\s*[.．、])(?!\d)\s*")),
    (4, re.compile(r"^(?P<num>(?P<n>[①-⑳]))\s*")),
)
_MARKER_START = frozenset(f"（({_CN}0123456789") | {chr(c) for c in range(0x2460, 0x2474)}
_INLINE_HEADING_RE = re.compile(r"^(?P<head>[^。，,；;：:]{2,20})。\s*(?P<rest>.+)$")

# Headings are short; a longer first line is an item with its text on the same line.
HEADING_MAX_CHARS = 30
# A printed 公文 line holds 28 characters and a paragraph's first line is indented by two, so
# the part of a paragraph before a page break is never shorter than this.
PAGE_LINE_CHARS = 24


@dataclass(frozen=True)
class Marker:
    level: int
    number: str  # as printed, spaces removed: "（一）", "(二)", "1."
    value: int | None  # 1 for "一、", "(1)", "①"
    rest: str


def read_marker(text: str) -> Marker | None:
    if not text or text[0] not in _MARKER_START:
        return None
    for level, pattern in _MARKERS:
        match = pattern.match(text)
        if match and match.end() < len(text):
            raw = match.group("n")
            value = ord(raw) - 0x245F if "①" <= raw <= "⑳" else cn_to_int(raw)
            number = re.sub(r"\s+", "", match.group("num"))
            return Marker(level, number, value, text[match.end() :].strip())
    return None


def _stands_alone(text: str) -> bool:
    """Headings, themes and slogans are short lines without clause punctuation."""
    if len(text) < PAGE_LINE_CHARS:
        return True
    marker = read_marker(text)
    rest = marker.rest if marker else text
    if marker and marker.level in (1, 2) and len(rest) <= HEADING_MAX_CHARS:
        return True
    return len(rest) <= HEADING_MAX_CHARS and not has_clause_punctuation(rest)


# A list of departments cut at a line end: "市民政局、市人社" + "局、市卫健委要…", or a line that
# ends on the list's comma. Such a line is short, so the page-break rule above would keep it.
_ENDS_MID_LIST_RE = re.compile(r"[、，,（(]$")
_STARTS_MID_LIST_RE = re.compile(r"^[、，,）)]")
_LIST_SPLIT_RE = re.compile(r"[、，,]")
_FIRST_WORD_RE = re.compile(r"^[^、，,。；;：:和及与等要应负牵]{1,6}(?=[、，,和及与等要应负牵])")
_ORGAN_END_RE = re.compile(r"[局委办厅部会院处所站队联]$")


def continues_list(current: str, following: str) -> bool:
    """Whether ``following`` carries on a list of organs that ``current`` left unfinished."""
    # The marker's own "、" ("一、活动主题") is no list; a （一） item may well start one.
    marker = read_marker(current)
    text = marker.rest if marker else current
    if _ENDS_MID_LIST_RE.search(text) or _STARTS_MID_LIST_RE.match(following):
        return True
    if "、" not in text:
        return False
    # The cut fell inside a name: its two halves make one organ ("市人社" + "局").
    first = _FIRST_WORD_RE.match(following)
    return first is not None and bool(
        _ORGAN_END_RE.search(_LIST_SPLIT_RE.split(text)[-1] + first.group(0))
    )


def join_broken_lines(lines: list[Line]) -> list[Line]:
    """Re-join lines that a page break cut in the middle of a sentence.

    A line continues on the next one when it does not end a sentence, is not a heading, theme
    or slogan, and the next line starts no numbered item; a list of departments cut at a line
    end always continues. When the notice indents its
    paragraphs, an indented next line always starts a new paragraph.
    """
    uses_indent = sum(line.indented for line in lines) * 3 >= len(lines) > 0
    joined: list[Line] = []
    for line in lines:
        if joined:
            current = joined[-1]
            if (
                not ends_sentence(current.text)
                and read_marker(line.text) is None
                and (
                    continues_list(current.text, line.text)
                    or (not _stands_alone(current.text) and not (uses_indent and line.indented))
                )
            ):
                joined[-1] = Line(glue(current.text, line.text), current.number, current.indented)
                continue
        joined.append(line)
    return joined


def to_block(text: str) -> Block:
    marker = read_marker(text)
    if marker is None:
        return Block(level=0, text=text)
    return Block(level=marker.level, text=marker.rest, number=marker.number)


def block_value(block: Block) -> int | None:
    if block.number is None:
        return None
    marker = read_marker(f"{block.number}x")
    return marker.value if marker else None


def is_heading(block: Block) -> bool:
    return block.level in (1, 2) and len(block.text) <= HEADING_MAX_CHARS


def split_inline_heading(text: str) -> tuple[str, str]:
    """(heading, rest) of "加强宣传报道。要充分利用…": a heading run into its paragraph."""
    match = _INLINE_HEADING_RE.match(text)
    return (match.group("head"), match.group("rest")) if match else (text, "")


def find_heading(blocks: list[Block], predicate: Callable[[str], bool]) -> int | None:
    """The first 一、 or （一） heading whose words satisfy ``predicate``."""
    for index, block in enumerate(blocks):
        if block.level in (1, 2) and predicate(split_inline_heading(block.text)[0]):
            return index
    return None


def section_after(blocks: list[Block], heading: int) -> list[Block]:
    """The blocks under a heading, up to the next heading of the same or a higher rank."""
    level = blocks[heading].level
    section: list[Block] = []
    for block in blocks[heading + 1 :]:
        if 0 < block.level <= level:
            break
        section.append(block)
    return section


def block_line(block: Block) -> str:
    return f"{block.number}{block.text}" if block.number else block.text
