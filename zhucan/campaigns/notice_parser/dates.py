"""Dates and Chinese numerals as notices write them.

Accepted: 2020年5月17日 (also 号 for 日), 二〇二〇年五月十七日, 2020.5.17, 2020-05-17, 2020/5/17,
and month-day forms 5月17日 / 五月十七日 whose year comes from the context (the caller decides
which year: the 文号 year, the first year in the text, or today's).
Input is expected to be folded already (full-width digits made half-width).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

_CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "O": 0,
    "0": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100}

_YD = "零〇○O0一二三四五六七八九"  # digits of a year written 二〇二〇
_NUM = "一二三四五六七八九十"  # month and day written 四月二十八日

DATE_PATTERN = (
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    rf"|(?P<cy>[{_YD}]{{4}})\s*年\s*(?P<cm>[{_NUM}]{{1,3}})\s*月\s*(?P<cd>[{_NUM}]{{1,3}})\s*[日号]"
    r"|(?<![\d.])(?P<iy>\d{4})\s*(?P<sep>[.\-/．])\s*(?P<im>\d{1,2})\s*(?P=sep)\s*(?P<id>\d{1,2})(?![\d.])"
    r"|(?<!\d)(?<!\d年)(?P<mm>\d{1,2})\s*月\s*(?P<md>\d{1,2})\s*[日号]"
    rf"|(?<![{_YD}])(?<![{_YD}]年)(?P<cmm>[{_NUM}]{{1,3}})\s*月\s*(?P<cmd>[{_NUM}]{{1,3}})\s*[日号]"
)
DATE_RE = re.compile(DATE_PATTERN)
_DATE_LINE_RE = re.compile(rf"^\s*(?:{DATE_PATTERN})\s*$")
# "自2017年起每年…" names the year a rule started, not the notice's year.
_YEAR_IN_TEXT_RE = re.compile(r"(?<![\d自从])((?:19|20)\d{2})\s*年(?!\s*(?:起|开始|以来))")


def cn_to_int(text: str) -> int | None:
    """三十一 → 31, 十七 → 17, 一百零五 → 105, "30" → 30; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        else:
            return None
    return total + current


def _cn_year(text: str) -> int | None:
    digits = [_CN_DIGITS.get(char) for char in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    year: int | None  # None when the notice wrote only month and day
    month: int
    day: int

    def to_date(self, context_year: int) -> date | None:
        try:
            return date(self.year or context_year, self.month, self.day)
        except ValueError:
            return None


def _hit(match: re.Match[str]) -> DateHit | None:
    groups = match.groupdict()
    year: int | None
    if groups["y"]:
        year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
    elif groups["cy"]:
        year = _cn_year(groups["cy"])
        month_n, day_n = cn_to_int(groups["cm"]), cn_to_int(groups["cd"])
        if year is None or month_n is None or day_n is None:
            return None
        month, day = month_n, day_n
    elif groups["iy"]:
        year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
    elif groups["mm"]:
        year, month, day = None, int(groups["mm"]), int(groups["md"])
    else:
        month_n, day_n = cn_to_int(groups["cmm"]), cn_to_int(groups["cmd"])
        if month_n is None or day_n is None:
            return None
        year, month, day = None, month_n, day_n
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateHit(match.start(), match.end(), year, month, day)


def find_dates(text: str) -> Iterator[DateHit]:
    for match in DATE_RE.finditer(text):
        hit = _hit(match)
        if hit is not None:
            yield hit


def parse_date_line(text: str) -> date | None:
    """The whole line is one full date (the 成文日期 under a signature)."""
    match = _DATE_LINE_RE.match(text)
    if not match:
        return None
    hit = _hit(match)
    if hit is None or hit.year is None:
        return None
    return hit.to_date(hit.year)


def first_year_in_text(text: str) -> int | None:
    match = _YEAR_IN_TEXT_RE.search(text)
    return int(match.group(1)) if match else None


def third_sunday_of_may(year: int) -> date:
    """全国助残日 is the third Sunday of May (since 1991)."""
    first = date(year, 5, 1)
    first_sunday = 1 + (6 - first.weekday()) % 7
    return date(year, 5, first_sunday + 14)


def cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month_day(value: date) -> str:
    return f"{value.month}月{value.day}日"


def nth_weekday_of_month(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1-based) ``weekday`` (Monday = 0) of a month: 每年5月的第三个星期日."""
    first = date(year, month, 1)
    return date(year, month, 1 + (weekday - first.weekday()) % 7 + 7 * (nth - 1))
