"""``parse_notice_text``: from the text of a 通知 to a ``ParsedNotice`` with one report per field.

Performance: everything is line-based with regexes compiled at import; the seed notice parses
in about a millisecond, so the parser can run on every keystroke of the editor's preview.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from ..notice_types import Deadline, FieldReport, ParsedNotice
from .blocks import block_line, join_broken_lines, to_block
from .campaigns import find_campaign
from .contacts import find_contacts
from .dates import cn_month_day, first_year_in_text
from .deadlines import find_deadlines
from .layout import Layout, find_layout
from .normalise import fold_text, split_lines
from .sections import find_duties, find_publicity, find_slogans, find_theme

# China keeps one time zone without daylight saving, so a fixed offset is exact.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
_TITLE_ISSUER_RE = re.compile(r"^(?P<issuer>.{4,60}?)关于")

MAIN_FIELDS = (
    "issuer",
    "doc_number",
    "title",
    "recipients",
    "campaign",
    "theme",
    "duties",
    "slogans",
    "contacts",
    "deadlines",
    "issue_date",
)


class _Reports:
    def __init__(self) -> None:
        self.items: list[FieldReport] = []

    def found(self, name: str, source: str | None, notes: list[str] | None = None) -> None:
        if notes:
            self.items.append(FieldReport(name, "uncertain", source, "；".join(notes)))
        else:
            self.items.append(FieldReport(name, "recognised", source))

    def missing(self, name: str, message: str) -> None:
        self.items.append(FieldReport(name, "missing", None, message))


def _context_year(
    layout: Layout, title: str, text: str, today: date | None
) -> tuple[int, str | None]:
    """The year for dates written without one, and a note when it is only today's year."""
    if layout.doc_year:
        return layout.doc_year, None
    if layout.issue_date:
        return layout.issue_date.year, None
    year = first_year_in_text(f"{title}\n{text}")
    if year:
        return year, None
    fallback = (today or datetime.now(CHINA_TIME).date()).year
    return fallback, f"通知中没有年份，日期按{fallback}年计"


def _issuer(layout: Layout) -> tuple[str | None, str | None]:
    if layout.header and layout.header_line:
        return layout.header.removesuffix("文件") or None, layout.header_line.text
    if layout.title:
        match = _TITLE_ISSUER_RE.match(layout.title)
        if match:
            return match.group("issuer"), layout.title
    if layout.signature:
        return layout.signature, layout.signature
    return None, None


def parse_notice_text(text: str, *, today: date | None = None) -> ParsedNotice:
    """Parse a notice; never raises on odd input, reports what it could not find instead."""
    lines = split_lines(fold_text(text))
    layout = find_layout(lines)
    body_lines = join_broken_lines(lines[layout.body_start : layout.body_end])
    blocks = [to_block(line.text) for line in body_lines]
    body_text = "\n".join(block_line(block) for block in blocks)
    notes_text = "\n".join(line.text for line in layout.notes)

    notice = ParsedNotice(
        header=layout.header,
        doc_number=layout.doc_number,
        issuer_code=layout.issuer_code,
        doc_year=layout.doc_year,
        doc_serial=layout.doc_serial,
        title=layout.title,
        recipients=layout.recipients,
        issue_date=layout.issue_date,
        signature=layout.signature,
        copied_to=layout.copied_to,
        printer=layout.printer,
        print_date=layout.print_date,
        body=blocks,
    )
    reports = _Reports()
    notice.issuer, issuer_source = _issuer(layout)
    if notice.issuer:
        reports.found("issuer", issuer_source)
    else:
        reports.missing("issuer", "未找到发文机关（版头、标题或落款）")
    if layout.doc_number_line:
        reports.found("doc_number", layout.doc_number_line.text)
    else:
        reports.missing("doc_number", "未找到发文字号")
    if notice.title:
        reports.found("title", " / ".join(line.text for line in layout.title_lines))
    else:
        reports.missing("title", "未找到标题（以“通知”结尾的标题行）")
    if notice.recipients:
        reports.found("recipients", "".join(line.text for line in layout.recipients_lines))
    else:
        reports.missing("recipients", "未找到主送机关（以冒号结尾的行）")

    year, year_note = _context_year(layout, notice.title or "", body_text, today)
    campaign = find_campaign(notice.title or "", body_text, year, layout.issue_date)
    notice.campaign_name = campaign.name
    notice.campaign_edition = campaign.edition
    notice.campaign_date = campaign.date
    notice.campaign_since = campaign.since
    if campaign.name is None:
        reports.missing("campaign", "未找到活动名称（如“全国助残日”）")
    else:
        notes = list(campaign.notes)
        if campaign.edition is None:
            notes.append(f"未找到{campaign.name}的届次（如“第三十次”）")
        if year_note and not campaign.date_has_year:
            notes.append(year_note)
        reports.found("campaign", campaign.source, notes)

    notice.theme, theme_found = find_theme(blocks)
    if notice.theme:
        reports.found("theme", theme_found.source)
    else:
        reports.missing("theme", "未找到活动主题")

    notice.duties, duties_found = find_duties(blocks)
    if notice.duties:
        reports.found("duties", duties_found.source, duties_found.notes)
    else:
        reports.missing("duties", "未找到部门职责（“明确部门职责”或“职责分工”下的条目）")

    notice.slogans, slogans_found = find_slogans(blocks)
    if notice.slogans:
        reports.found("slogans", slogans_found.source)
    else:
        reports.missing("slogans", "未找到宣传口号")

    notice.publicity, _ = find_publicity(blocks)

    contacts, contact_sources = find_contacts(f"{body_text}\n{notes_text}")
    notice.contacts = contacts
    if contacts:
        notes = [f"联系人{c.name}没有电话或邮箱" for c in contacts if not (c.phone or c.email)]
        reports.found("contacts", "\n".join(contact_sources), notes)
    else:
        reports.missing("contacts", "未找到联系人")

    deadlines = find_deadlines(body_text, year, layout.issue_date, campaign.date)
    notice.deadlines = [Deadline(what=d.what, date=d.date) for d in deadlines]
    if deadlines:
        notes = [year_note] if year_note and not all(d.has_year for d in deadlines) else []
        notes += [
            f"{d.what}时限{cn_month_day(d.date)}未写年份，早于通知日期，按{d.date.year}年计"
            for d in deadlines
            if d.next_year
        ]
        # Two deadlines of one sentence show that sentence once.
        sources = dict.fromkeys(d.source for d in deadlines)
        reports.found("deadlines", "\n".join(sources), notes)
    else:
        reports.missing("deadlines", "未找到报送时限")

    if notice.issue_date and layout.date_line:
        reports.found("issue_date", layout.date_line.text)
    else:
        reports.missing("issue_date", "未找到成文日期（落款下的日期）")
    notice.reports = reports.items
    return notice


def is_notice(notice: ParsedNotice) -> bool:
    """Whether the text looked like a notice at all: a title or 文号, and a body."""
    return bool((notice.title or notice.doc_number) and notice.body)


__all__ = ["MAIN_FIELDS", "is_notice", "parse_notice_text"]
