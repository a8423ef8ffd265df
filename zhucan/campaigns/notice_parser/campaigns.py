"""The campaign a notice is about: its name, its edition (第三十次) and its date.

Each known day has a rule (全国助残日 is the third Sunday of May, first held in 1991; 全国爱耳日 is
3 March since 2000 ...). The rule is used only to check what the notice says, or to fill a
date the notice leaves out, and then the report says so: the parser never guesses silently.

A notice often states the rule itself ("自2017年起每年8月25日为残疾预防日", "每年5月的第三个
星期日为全国助残日"); then that rule gives the day in the notice's year, and its start year
counts the editions. Body text shortens the names ("助残日", "第五次残疾预防日"), so short
forms count as the full name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .dates import (
    cn_date,
    cn_month_day,
    cn_to_int,
    find_dates,
    nth_weekday_of_month,
    third_sunday_of_may,
)
from .deadlines import DEADLINE_AFTER_PATTERN


@dataclass(frozen=True)
class CampaignRule:
    first_year: int
    date_of: Callable[[int], date]


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


RULES: dict[str, CampaignRule] = {
    "全国助残日": CampaignRule(1991, third_sunday_of_may),
    "全国爱耳日": CampaignRule(2000, _fixed(3, 3)),
    "全国爱眼日": CampaignRule(1996, _fixed(6, 6)),
    "全国残疾预防日": CampaignRule(2017, _fixed(8, 25)),
    "国际残疾人日": CampaignRule(1992, _fixed(12, 3)),
    "世界孤独症日": CampaignRule(2008, _fixed(4, 2)),
    "国际盲人节": CampaignRule(1984, _fixed(10, 15)),
}
# Short and older forms as body text writes them; each means the full name.
ALIASES: dict[str, str] = {
    "助残日": "全国助残日",
    "爱耳日": "全国爱耳日",
    "爱眼日": "全国爱眼日",
    "残疾预防日": "全国残疾预防日",
    "国际残疾人节": "国际残疾人日",
    "世界自闭症日": "世界孤独症日",
    "世界自闭症关注日": "世界孤独症日",
    "孤独症日": "世界孤独症日",
    "国际白手杖节": "国际盲人节",
}
_NAMES = {name: name for name in RULES} | ALIASES
# Longest first, so "全国助残日" is one match and not "助残日" after "全国".
_NAME_ALT = "|".join(sorted(map(re.escape, _NAMES), key=len, reverse=True))
_NAME_RE = re.compile(_NAME_ALT)
_QUOTE = r"[“\"「『《‘〈]?"
_EDITION_RE = re.compile(
    r"第\s*(?P<n>\d{1,3}|[零〇一二三四五六七八九十百]{1,5})\s*[次个届]\s*"
    + _QUOTE
    + rf"(?P<name>{_NAME_ALT})"
)
_CN_NUM = "一二三四五六七八九十"
# "自2017年起每年8月25日为残疾预防日", "将每年12月3日定为“国际残疾人日”",
# "每年5月的第三个星期日为全国助残日" (残疾人保障法 第十四条).
_YEARLY_RE = re.compile(
    r"(?:(?:自|从)\s*(?P<since>(?:19|20)\d{2})\s*年\s*(?:起|开始)[，,]?\s*)?"
    r"(?:将|把)?每年\s*(?:的)?\s*"
    rf"(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月\s*"
    rf"(?:(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*[日号]"
    r"|的?\s*第\s*(?P<nth>[一二三四1-4])\s*个\s*(?:星期|周)(?P<wd>[一二三四五六日天])"
    r")\s*(?:设立|确定|定|确立|设)?\s*(?:为|是)\s*" + _QUOTE + rf"(?P<name>{_NAME_ALT})"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_SENTENCE_SPLIT_RE = re.compile(r"[。；;！？!?\n]")
# A date linked to the campaign name is near it and is no deadline ("5月10日前").
_MAX_DISTANCE = 20
_LINKS_DATE_RE = re.compile(
    r"^\s*(?:是|为|即)?\s*(?:第\s*[\d零〇一二三四五六七八九十百]{1,5}\s*[次个届])?\s*[“\"「『《‘〈]?$"
)
_DEADLINE_AFTER_RE = re.compile(DEADLINE_AFTER_PATTERN)


@dataclass(frozen=True)
class YearlyRule:
    """A rule the notice states: the day of each year, and the year it started if written."""

    date_of: Callable[[int], date]
    since: int | None
    source: str
    span: tuple[int, int]  # where it stands in its sentence, so its date is not read again


@dataclass
class Campaign:
    name: str | None = None
    edition: int | None = None
    date: date | None = None
    source: str | None = None
    date_has_year: bool = True
    since: int | None = None  # the first year of the day, when the notice states its rule
    notes: list[str] = field(default_factory=list)


def canonical_name(written: str) -> str:
    return _NAMES[written]


def _pick_name(title: str, body: str) -> str | None:
    in_title = _NAME_RE.search(title)
    if in_title:
        return canonical_name(in_title.group(0))
    counts: dict[str, int] = {}
    for match in _NAME_RE.finditer(body):
        name = canonical_name(match.group(0))
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


def _rule_from_match(match: re.Match[str], sentence: str) -> YearlyRule | None:
    month = cn_to_int(match.group("m"))
    if month is None or not 1 <= month <= 12:
        return None
    since = int(match.group("since")) if match.group("since") else None
    source = sentence.strip()
    span = (match.start(), match.end())
    if match.group("d"):
        day = cn_to_int(match.group("d"))
        if day is None:
            return None
        try:
            date(2001, month, day)  # no campaign day is 2月29日, which most years lack
        except ValueError:
            return None
        return YearlyRule(_fixed(month, day), since, source, span)
    nth = cn_to_int(match.group("nth"))
    weekday = _WEEKDAYS[match.group("wd")]
    if nth is None:
        return None
    return YearlyRule(
        lambda year: nth_weekday_of_month(year, month, weekday, nth), since, source, span
    )


def _stated_rule(name: str, body: str) -> tuple[YearlyRule | None, str | None]:
    """The first yearly rule for ``name`` and the sentence it is in."""
    if "每年" not in body:
        return None, None
    for sentence in _SENTENCE_SPLIT_RE.split(body):
        if "每年" not in sentence:
            continue
        for match in _YEARLY_RE.finditer(sentence):
            if canonical_name(match.group("name")) == name:
                rule = _rule_from_match(match, sentence)
                if rule is not None:
                    return rule, sentence
    return None, None


def _stated_date(
    name: str, body: str, rule: YearlyRule | None, rule_sentence: str | None
) -> tuple[date | None, bool, str | None, int | None]:
    """(month-day-or-full date, whether the year was written, source sentence, year)."""
    for sentence in _SENTENCE_SPLIT_RE.split(body):
        names = [m for m in _NAME_RE.finditer(sentence) if canonical_name(m.group(0)) == name]
        if not names:
            continue
        positions = [m.start() for m in names if m.group(0) == name]
        # A short name ("助残日期间") is too common to pull in any nearby date: only the form
        # "5月17日是第三十次助残日" links a date to it.
        short = [m.start() for m in names if m.group(0) != name]
        skip = rule.span if rule is not None and sentence == rule_sentence else (0, 0)
        best = None
        for hit in find_dates(sentence):
            if skip[0] <= hit.start < skip[1]:
                continue  # the rule's own day, which says nothing about the year
            if _DEADLINE_AFTER_RE.match(sentence[hit.end :]):
                continue
            distances = [min(abs(p - hit.end), abs(hit.start - p)) for p in positions]
            distances += [p - hit.end for p in short if _LINKS_DATE_RE.match(sentence[hit.end : p])]
            if not distances:
                continue
            distance = min(distances)
            if distance <= _MAX_DISTANCE and (best is None or distance < best[0]):
                best = (distance, hit)
        if best is not None:
            hit = best[1]
            stated = hit.to_date(hit.year or 2000)  # 2000 is a leap year, so 2月29日 survives
            if stated is not None:
                clauses = re.split(r"[，,]", sentence[hit.start :], maxsplit=1)
                return stated, hit.year is not None, clauses[0].strip(), hit.year
    return None, False, None, None


def _edition(name: str, title: str, body: str) -> int | None:
    for text in (title, body):
        for match in _EDITION_RE.finditer(text):
            if canonical_name(match.group("name")) == name:
                return cn_to_int(match.group("n"))
    return None


def _nearest_year(day_in: Callable[[int], date | None], year: int, issued: date | None) -> int:
    """The year of a day written without one: the notice's, or the next when that day is
    nearer the 成文日期 (a notice signed in late December about 3月3日 全国爱耳日)."""
    this, following = day_in(year), day_in(year + 1)
    if issued is None or this is None or following is None:
        return year
    return year + 1 if abs((following - issued).days) < abs((this - issued).days) else year


def _on(stated: date) -> Callable[[int], date | None]:
    def day_in(year: int) -> date | None:
        try:
            return stated.replace(year=year)
        except ValueError:
            return None

    return day_in


def find_campaign(title: str, body: str, context_year: int, issued: date | None = None) -> Campaign:
    """The campaign of a notice; ``issued`` (the 成文日期) places a day written without a year."""
    name = _pick_name(title, body)
    if name is None:
        return Campaign()
    campaign = Campaign(name=name, edition=_edition(name, title, body))
    stated_rule, rule_sentence = _stated_rule(name, body)
    stated, has_year, sentence, year = _stated_date(name, body, stated_rule, rule_sentence)
    rule = RULES[name]
    first_year = rule.first_year
    if stated_rule is not None:
        campaign.since = stated_rule.since
        first_year = stated_rule.since or first_year
        for probe in (2000, 2001):  # a fixed day and a weekday rule both show on two years
            if stated_rule.date_of(probe) != rule.date_of(probe):
                campaign.notes.append(
                    f"通知所写{name}的日期规则与惯例（{cn_month_day(rule.date_of(context_year))}）"
                    "不一致"
                )
                break
    day_in: Callable[[int], date | None]
    if stated is not None:
        day_in = _on(stated)
    elif stated_rule is not None:
        day_in = stated_rule.date_of
    else:
        day_in = rule.date_of
    year_of_day = year or _nearest_year(day_in, context_year, issued)
    if year_of_day != context_year and not year:
        campaign.notes.append(f"{name}的日期未写年份，按离成文日期最近的{year_of_day}年计")
    if stated is not None:
        campaign.date_has_year = has_year
        campaign.date = day_in(year_of_day)
        campaign.source = sentence
    elif stated_rule is not None:
        # The notice's own rule gives the day in the notice's year: stated, not guessed.
        campaign.date = day_in(year_of_day)
        campaign.date_has_year = False
        campaign.source = stated_rule.source
    else:
        campaign.source = title if _NAME_RE.search(title) else None
        campaign.date = day_in(year_of_day)
        if campaign.date is not None:
            campaign.notes.append(
                f"通知中未写明{name}的日期，已按惯例推定为{cn_date(campaign.date)}"
            )
    if campaign.date is not None:
        expected = (stated_rule.date_of if stated_rule else rule.date_of)(campaign.date.year)
        if campaign.date != expected:
            campaign.notes.append(
                f"{name}日期{cn_month_day(campaign.date)}与惯例（{cn_month_day(expected)}）不一致"
            )
        expected_edition = campaign.date.year - first_year + 1
        if campaign.edition is not None and campaign.edition != expected_edition:
            campaign.notes.append(
                f"{name}自{first_year}年起举办，{campaign.date.year}年应为第{expected_edition}届，"
                f"通知写的是第{campaign.edition}届"
            )
    return campaign
