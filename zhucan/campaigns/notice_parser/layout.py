"""Where the parts of a 公文 are.

版头, 文号, 标题 and 主送 are at the top; 落款, 日期, 抄送 and 印发 at the end.

Everything between the recipients and the signature is the body. The layout is found on the
collapsed lines before page-break re-joining, so a heading is never glued to the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .blocks import continues_list
from .dates import DATE_PATTERN, parse_date_line
from .normalise import Line, despace, ends_sentence, fullwidth_parens, glue, split_top_level

DOC_NUMBER_RE = re.compile(
    r"(?P<code>[\u4e00-\u9fff]{1,12}?)\s*[〔\[［（(【]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］）)】]"
    r"\s*第?\s*(?P<serial>\d{1,4})\s*号"
)
# Lines above the 版头: 份号, 密级 and 紧急程度.
_MARK_LINE_RE = re.compile(r"^(?:\d{6}|(?:绝密|机密|秘密).{0,8}|特急|加急|特提|平急|急件)$")
_TITLE_END_RE = re.compile(r"(?:通知|通报|意见|方案|决定|公告|通告|函)$")
ORG_LINE_RE = re.compile(
    r"^[\u4e00-\u9fff（）()、]{2,40}"
    r"(?:委员会|联合会|残联|政府|办公室|办|局|厅|委|部|院|会|中心|小组|协会|公司)$"
)
_PRINT_LINE_RE = re.compile(rf"^(?P<org>.*?)\s*(?P<date>{DATE_PATTERN})\s*印发$")
_PRINT_COUNT_RE = re.compile(r"^[（(]?共印\s*\d+\s*份[）)]?$")
_COPIED_RE = re.compile(r"^抄\s*送\s*[：:]\s*(?P<rest>.*)$")
# "现将有关事项通知如下：" ends with a colon too, but it opens the body.
_NOT_RECIPIENTS_RE = re.compile(r"如下|现将|现就|为了|为做好|特此|根据")
_NOTE_RE = re.compile(r"^[（(](?:此件|本件|联系人|附件)")
_SIGNATURE_WITH_DATE_RE = re.compile(rf"^(?P<org>\S.*?)\s+(?P<date>(?:{DATE_PATTERN}))$")

HEADER_SEARCH_LINES = 8
# 印发 and signature lines are short; the limit also keeps their lazy regexes linear.
CLOSING_LINE_MAX_CHARS = 100
TITLE_SEARCH_LINES = 15


@dataclass
class Layout:
    header: str | None = None
    header_line: Line | None = None
    doc_number: str | None = None
    issuer_code: str | None = None
    doc_year: int | None = None
    doc_serial: int | None = None
    doc_number_line: Line | None = None
    title: str | None = None
    title_lines: list[Line] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    recipients_lines: list[Line] = field(default_factory=list)
    signature: str | None = None
    issue_date: date | None = None
    date_line: Line | None = None
    copied_to: list[str] = field(default_factory=list)
    printer: str | None = None
    print_date: date | None = None
    notes: list[Line] = field(default_factory=list)
    body_start: int = 0
    body_end: int = 0


def join_title(pieces: Iterable[str]) -> str:
    """Spaces and line breaks inside a title go, except between joint issuers."""
    words = [word for piece in pieces for word in piece.split()]
    title = words[0] if words else ""
    for word in words[1:]:
        issuer_before = ORG_LINE_RE.match(title.split(" ")[-1])
        issuer_after = ORG_LINE_RE.match(word.split("关于")[0])
        title = f"{title} {word}" if issuer_before and issuer_after else glue(title, word)
    return title


def _is_title_piece(text: str) -> bool:
    return len(text) <= 60 and not any(ch in "。；：:！？，," for ch in text)


def _find_front(lines: list[Line], layout: Layout) -> int:
    """Fill header, 文号, title and recipients; return the index where the body starts."""
    index = 0
    while index < len(lines) and index < 3 and _MARK_LINE_RE.match(lines[index].text):
        index += 1
    for i in range(index, min(len(lines), HEADER_SEARCH_LINES)):
        compact = despace(lines[i].text)
        if compact.endswith("文件") and len(compact) <= 40 and _is_title_piece(compact):
            layout.header, layout.header_line = compact, lines[i]
            index = i + 1
            break
    for i in range(index, min(len(lines), index + 4)):
        match = DOC_NUMBER_RE.search(lines[i].text) if len(lines[i].text) <= 60 else None
        if match:
            layout.issuer_code = match.group("code")
            layout.doc_year = int(match.group("year"))
            layout.doc_serial = int(match.group("serial"))
            layout.doc_number = f"{layout.issuer_code}〔{layout.doc_year}〕{layout.doc_serial}号"
            layout.doc_number_line = lines[i]
            index = i + 1
            break
    title_end = None
    for i in range(index, min(len(lines), index + TITLE_SEARCH_LINES)):
        text = lines[i].text
        if _is_title_piece(text) and _TITLE_END_RE.search(despace(text)):
            title_end = i
            break
    if title_end is None:
        return index
    title_start = title_end
    while title_start > index and title_end - title_start < 3:
        previous = lines[title_start - 1].text
        if not _is_title_piece(previous) or len(previous) > 40:
            break
        # Above "关于…", only the issuing organs belong to the title, not a stray line.
        has_about = any("关于" in line.text for line in lines[title_start : title_end + 1])
        if has_about and not all(ORG_LINE_RE.match(word) for word in previous.split()):
            break
        title_start -= 1
    layout.title_lines = lines[title_start : title_end + 1]
    layout.title = join_title(line.text for line in layout.title_lines)
    return _find_recipients(lines, title_end + 1, layout)


def _find_recipients(lines: list[Line], start: int, layout: Layout) -> int:
    for end in range(start, min(len(lines), start + 3)):
        text = lines[end].text
        if "。" in text or len(text) > 200 or _NOT_RECIPIENTS_RE.search(text):
            break
        if text[-1] in "：:":
            layout.recipients_lines = lines[start : end + 1]
            joined = "".join(line.text for line in layout.recipients_lines)[:-1]
            layout.recipients = [
                fullwidth_parens(despace(part)) for part in split_top_level(joined, "，,、；;")
            ]
            return end + 1
        following = lines[end + 1].text if end + 1 < len(lines) else ""
        if text[-1] not in "，,、" and not continues_list(text, following):
            break
    return start


def _find_back(lines: list[Line], start: int, layout: Layout) -> int:
    """Fill 印发, 抄送, notes, date and signature from the end; return where the body ends."""
    end = len(lines)
    for i in range(end - 1, max(start, end - 3) - 1, -1):
        text = lines[i].text
        match = _PRINT_LINE_RE.match(text) if len(text) <= CLOSING_LINE_MAX_CHARS else None
        if match:
            layout.printer = despace(match.group("org")) or None
            layout.print_date = parse_date_line(match.group("date"))
            end = i
            break
    while end > start and _PRINT_COUNT_RE.match(lines[end - 1].text):
        end -= 1
    for i in range(end - 1, max(start, end - 4) - 1, -1):
        match = _COPIED_RE.match(lines[i].text)
        if match:
            rest = " ".join([match.group("rest"), *(line.text for line in lines[i + 1 : end])])
            rest = rest.strip().rstrip("。.")
            layout.copied_to = [fullwidth_parens(p) for p in split_top_level(rest, "，,、；;")]
            end = i
            break
    while end > start and _NOTE_RE.match(lines[end - 1].text):
        layout.notes.insert(0, lines[end - 1])
        end -= 1
    if end > start:
        last = lines[end - 1]
        issue_date = parse_date_line(last.text)
        if issue_date is not None:
            layout.issue_date, layout.date_line = issue_date, last
            end -= 1
            end = _take_signature(lines, start, end, layout)
        else:
            short = len(last.text) <= CLOSING_LINE_MAX_CHARS
            match = _SIGNATURE_WITH_DATE_RE.match(last.text) if short else None
            org = despace(match.group("org")) if match else ""
            if match and ORG_LINE_RE.match(org):
                layout.signature = org
                layout.issue_date = parse_date_line(match.group("date"))
                layout.date_line = last
                end -= 1
            elif ORG_LINE_RE.match(despace(last.text)) and not ends_sentence(last.text):
                end = _take_signature(lines, start, end, layout)
    return end


def _take_signature(lines: list[Line], start: int, end: int, layout: Layout) -> int:
    """Joint notices sign with one organisation per line; take at most three."""
    names: list[str] = []
    while end > start and len(names) < 3:
        compact = despace(lines[end - 1].text)
        if not ORG_LINE_RE.match(compact):
            break
        names.insert(0, compact)
        end -= 1
    if names:
        layout.signature = "、".join(names)
    return end


def find_layout(lines: list[Line]) -> Layout:
    layout = Layout()
    layout.body_start = _find_front(lines, layout)
    layout.body_end = _find_back(lines, layout.body_start, layout)
    return layout
