"""The campaign a notice is about: its name, its edition (第三十次) and its date.

Each known day has a rule (全国助残日 is the third Sunday of May, first held in 1991; 全国爱耳日 is
3 March since 2000 ...). The rule is used only to check what the notice says, or to fill a
date the notice leaves out, and then the report says so: the parser never guesses silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .dates import cn_date, cn_month_day, cn_to_int, find_dates, third_sunday_of_may


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
_NAME_RE = re.compile("|".join(map(re.escape, RULES)))
_EDITION_RE = re.compile(
    r"第\s*(?P<n>\d{1,3}|[零〇一二三四五六七八九十百]{1,5})\s*[次个届]\s*(?P<name>"
    + "|".join(map(re.escape, RULES))
    + ")"
)
_SENTENCE_SPLIT_RE = re.compile(r"[。；;！？!?\n]")
# A date linked to the campaign name is near it and is no deadline ("5月10日前").
_MAX_DISTANCE = 20
_DEADLINE_AFTER_RE = re.compile(r"^\s*(?:[（(][^）)]{0,10}[）)])?\s*(?:之|以)?前(?!后)")


@dataclass
class Campaign:
    name: str | None = None
    edition: int | None = None
    date: date | None = None
    source: str | None = None
    date_has_year: bool = True
    notes: list[str] = field(default_factory=list)


def _pick_name(title: str, body: str) -> str | None:
    in_title = _NAME_RE.search(title)
    if in_title:
        return in_title.group(0)
    counts: dict[str, int] = {}
    for match in _NAME_RE.finditer(body):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


def _stated_date(name: str, body: str) -> tuple[date | None, bool, str | None, int | None]:
    """(month-day-or-full date, whether the year was written, source sentence, year)."""
    for sentence in _SENTENCE_SPLIT_RE.split(body):
        positions = [m.start() for m in re.finditer(re.escape(name), sentence)]
        if not positions:
            continue
        best = None
        for hit in find_dates(sentence):
            if _DEADLINE_AFTER_RE.match(sentence[hit.end :]):
                continue
            distance = min(min(abs(p - hit.end), abs(hit.start - p)) for p in positions)
            if distance <= _MAX_DISTANCE and (best is None or distance < best[0]):
                best = (distance, hit)
        if best is not None:
            hit = best[1]
            stated = hit.to_date(hit.year or 2000)  # 2000 is a leap year, so 2月29日 survives
            if stated is not None:
                clauses = re.split(r"[，,]", sentence[hit.start :], maxsplit=1)
                return stated, hit.year is not None, clauses[0].strip(), hit.year
    return None, False, None, None


def find_campaign(title: str, body: str, context_year: int) -> Campaign:
    name = _pick_name(title, body)
    if name is None:
        return Campaign()
    campaign = Campaign(name=name)
    for text in (title, body):
        match = next((m for m in _EDITION_RE.finditer(text) if m.group("name") == name), None)
        if match:
            campaign.edition = cn_to_int(match.group("n"))
            break
    stated, has_year, sentence, year = _stated_date(name, body)
    rule = RULES[name]
    if stated is not None:
        campaign.date_has_year = has_year
        try:
            campaign.date = stated.replace(year=year or context_year)
        except ValueError:
            campaign.date = None
        campaign.source = sentence
    else:
        campaign.source = title if name in title else None
        campaign.date = rule.date_of(context_year)
        campaign.notes.append(f"通知中未写明{name}的日期，已按惯例推定为{cn_date(campaign.date)}")
    if campaign.date is not None:
        expected = rule.date_of(campaign.date.year)
        if campaign.date != expected:
            campaign.notes.append(
                f"{name}日期{cn_month_day(campaign.date)}与惯例（{cn_month_day(expected)}）不一致"
            )
        expected_edition = campaign.date.year - rule.first_year + 1
        if campaign.edition is not None and campaign.edition != expected_edition:
            campaign.notes.append(
                f"{name}自{rule.first_year}年起举办，{campaign.date.year}年应为第{expected_edition}届，"
                f"通知写的是第{campaign.edition}届"
            )
    return campaign
