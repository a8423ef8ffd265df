"""报送时限: "请于5月10日前将活动方案报送…", "5月25日前报送活动总结", "截止时间为…".

``what`` is classified into 活动方案 / 活动开展情况 / 典型活动 / 活动总结 when the words allow,
otherwise it is the object as the notice words it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import DateHit, find_dates

# 交/送 alone only before an office ("交县残联", "送市残联办公室"): "送去温暖" sends nothing.
_VERB = (
    r"(?:报送|上报|报至|报给|报到|提交|发送|发至|反馈|送至|送交|交至|寄送|传至|报"
    r"|[交送](?=[省市县区乡镇]))"
)
# The hour a deadline may name between the day and 前: "17:00前", "下午5点前", "（周五）下班前".
_HOUR = (
    r"(?:(?:上午|下午|中午|晚上|晚)?\s*(?:\d{1,2}\s*[:：]\s*\d{2}"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[时点](?:\s*\d{1,2}\s*分|半|整)?)|下班)"
)
DEADLINE_AFTER_PATTERN = rf"^\s*(?:[（(][^）)]{{0,12}}[）)])?\s*(?:{_HOUR}\s*)?(?:之|以)?前(?!后)"
_AFTER_DATE_RE = re.compile(DEADLINE_AFTER_PATTERN)
_BEFORE_DATE_RE = re.compile(
    r"(?:截[止至](?:日期|时间)?(?:为|是|到|至)?|最迟(?:于|在)?|不晚于)\s*$"
)
_VERB_RE = re.compile(_VERB)
_OBJECT_JIANG_RE = re.compile(
    rf"[将把](?P<obj>[^，,]+?)(?:以[^，,]{{0,15}}?(?:形式|方式))?(?:通过[^，,]{{0,15}}?)?{_VERB}"
)
_OBJECT_AFTER_VERB_RE = re.compile(
    r"(?:报送|上报|提交|报)(?![至给到])(?P<obj>[^，,。；;（(至]{2,30})"
)
_OBJECT_JIANG_BEFORE_RE = re.compile(r"[将把](?P<obj>[^，,]{2,30}?)(?:于|在)?\s*$")
_OBJECT_BEFORE_RE = re.compile(r"(?P<obj>[^，,]{2,20}?)(?:请|须|需|要|务必|应|并)*(?:于|在)?\s*$")
# "报送市残联办公室" and "报我会" name where to send, not what.
_RECIPIENT_RE = re.compile(
    r"(?:残联|残工委|办公室|委员会|部|科|股|处|中心|邮箱|单位)$|^[我本][会办局委]"  # 报我会
)
_CLASSES = (
    ("方案", "活动方案"),
    ("总结", "活动总结"),
    ("典型", "典型活动"),
    ("情况", "活动开展情况"),
)
_SLACK_AFTER_ISSUE = 60
_AROUND_CAMPAIGN = 92  # about three months: plans are due before the day, summaries after
_SENTENCE_SPLIT_RE = re.compile(r"[。；;！？!?\n]")
_REPORT_WORDS = (
    "报送",
    "上报",
    "提交",
    "报至",
    "报给",
    "报市",
    "报县",
    "报区",
    "报省",
    "报乡",
    "报镇",
    "报我",  # 报我会 / 报我办
    "报本",
    "交省",
    "交市",
    "交县",
    "交区",
    "送省",
    "送市",
    "送县",
    "送区",
    "发送",
    "反馈",
)


@dataclass(frozen=True)
class FoundDeadline:
    what: str
    date: date
    source: str
    has_year: bool
    next_year: bool = False  # written without a year and put into the year after the notice's


def classify(obj: str) -> str:
    for keyword, label in _CLASSES:
        if keyword in obj:
            return label
    return obj


def _object(before: str, after: str) -> str:
    """What is to be sent: "将X报送", "X请于…前报送" or "…前报送X", in that order."""
    clause = re.split(r"[，,]", before)[-1]
    match = _OBJECT_JIANG_RE.search(after) or _OBJECT_JIANG_BEFORE_RE.search(clause)
    if match:
        return match.group("obj").strip()
    match = _OBJECT_AFTER_VERB_RE.search(after)
    if match and not _RECIPIENT_RE.search(match.group("obj").strip()):
        return match.group("obj").strip()
    match = _OBJECT_BEFORE_RE.search(clause)
    return match.group("obj").strip() if match else ""


def _dated(hit: DateHit, context_year: int, issued: date | None, day: date | None) -> date | None:
    """The date of a deadline; one written without a year is in the notice's year, unless that
    puts it well before the notice: "1月10日前" in a notice of December is next January.

    The 成文日期 decides when there is one; 60 days of slack keep a deadline that the printing
    date overtook ("5月5日前" in a notice dated 5月8日) in its year. Without it, the campaign
    day stands in, for the summaries due after it: a deadline that is far before the day in
    the notice's year but soon after it in the next (1月10日 for a 12月3日 国际残疾人日) is
    in the next year.
    """
    deadline = hit.to_date(context_year)
    if deadline is None or hit.year is not None:
        return deadline
    following = hit.to_date(deadline.year + 1)
    if following is None:
        return deadline
    if issued is not None:
        late = deadline < issued - timedelta(days=_SLACK_AFTER_ISSUE)
    else:
        late = (
            day is not None
            and deadline < day - timedelta(days=_AROUND_CAMPAIGN)
            and following <= day + timedelta(days=_AROUND_CAMPAIGN)
        )
    return following if late else deadline


def find_deadlines(
    text: str, context_year: int, reference: date | None = None, campaign_day: date | None = None
) -> list[FoundDeadline]:
    """Deadlines in order of appearance; ``reference`` is the 成文日期 and ``campaign_day`` the
    day of the campaign, which move a year-less deadline into the next year (see ``_dated``)."""
    found: list[FoundDeadline] = []
    for sentence in _SENTENCE_SPLIT_RE.split(text):
        if not any(word in sentence for word in _REPORT_WORDS):
            continue
        hits = list(find_dates(sentence))
        for index, hit in enumerate(hits):
            after_match = _AFTER_DATE_RE.match(sentence[hit.end :])
            before = sentence[: hit.start]
            if after_match is None and not _BEFORE_DATE_RE.search(before):
                continue
            # The words after this date and before the next one belong to this deadline.
            stop = hits[index + 1].start if index + 1 < len(hits) else len(sentence)
            after = sentence[hit.end + (after_match.end() if after_match else 0) : stop]
            if not _VERB_RE.search(after) and not _VERB_RE.search(before):
                continue
            deadline = _dated(hit, context_year, reference, campaign_day)
            if deadline is None:
                continue
            what = classify(_object(re.sub(r"(?:请|于|在)+$", "", before), after)) or "报送材料"
            item = FoundDeadline(
                what,
                deadline,
                sentence.strip(),
                hit.year is not None,
                hit.year is None and deadline.year != context_year,
            )
            if all((d.what, d.date) != (item.what, item.date) for d in found):
                found.append(item)
    return found
