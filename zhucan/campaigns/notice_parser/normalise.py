"""Character and line normalisation for notice text.

Notices arrive from Word, WPS, PDF copy-paste and web pages, so the same character comes in
several widths. We fold only what carries no typographic meaning in a 公文: full-width digits and
Latin letters become half-width (so "２０２１" parses and prints as "2021"), odd spaces become
plain spaces and invisible characters disappear. Chinese punctuation (，。：（）〔〕) is kept as the
notice wrote it, because the renderer reproduces the text; the regexes accept both widths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD: dict[int, str | None] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})
_FOLD.update(
    {
        0xFF20: "@",  # ＠ only ever appears in e-mail addresses
        0x3000: " ",
        0x00A0: " ",
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x0009: " ",
        0x200B: None,
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFEFF: None,
        0x000C: "\n",  # a form feed is a page break from PDF/Word export
        0x000B: "\n",
        0x0085: "\n",
        0x2028: "\n",
        0x2029: "\n",
    }
)

# A paragraph or heading that ends with one of these is complete; anything else broken at a
# line end was cut by a page break.
TERMINAL_PUNCTUATION = frozenset("。；：！？”;:!?…")
CLAUSE_PUNCTUATION = frozenset("，,。；;")

_WHITESPACE_RE = re.compile(r"\s+")
_SPACE_NEXT_TO_CJK_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－―]\s*\d{1,3}\s*[-—–－―]|\d{1,3}|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?)$"
)
_INDENT_RE = re.compile(r"^ {2,}")

_OPENERS = "（(《〈“「【〔［["
_CLOSERS = "）)》〉”」】〕］]"


@dataclass(frozen=True)
class Line:
    """One non-empty source line, whitespace collapsed."""

    text: str
    number: int  # 1-based line number in the folded text, for reports
    indented: bool = False


def fold_text(text: str) -> str:
    """Fold widths and line endings; see the module docstring for what is kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_FOLD)


def collapse_spaces(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip()


def despace(text: str) -> str:
    """Remove spaces that touch a Chinese character; keep those between Latin words."""
    return _SPACE_NEXT_TO_CJK_RE.sub("", text).strip()


def fullwidth_parens(text: str) -> str:
    """Names are printed with full-width parentheses: 各县（市、区）."""
    return text.replace("(", "（").replace(")", "）")


def split_lines(folded: str) -> list[Line]:
    """Non-empty lines, without the page numbers that PDF exports leave between pages."""
    lines: list[Line] = []
    for index, raw in enumerate(folded.split("\n"), start=1):
        text = collapse_spaces(raw)
        if not text or _PAGE_NUMBER_RE.match(text):
            continue
        lines.append(Line(text=text, number=index, indented=bool(_INDENT_RE.match(raw))))
    return lines


def ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in TERMINAL_PUNCTUATION


def has_clause_punctuation(text: str) -> bool:
    return any(ch in CLAUSE_PUNCTUATION for ch in text)


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on ``separators`` outside brackets and quotes, so 各县（市、区） stays whole."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0 and char in separators:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def glue(left: str, right: str) -> str:
    """Join two halves of a line cut by a page break."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii():
        return f"{left} {right}"
    return left + right
