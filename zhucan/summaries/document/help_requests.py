"""The summary's help-requests section in words: what came in through the public door over the
campaign's year, how much was answered and on time, and how long an answer took."""

from __future__ import annotations

from datetime import date, timedelta

from zhucan.campaigns.documents.layout import format_cn_date
from zhucan.stats.help_requests import HelpFigures, HelpLine
from zhucan.summaries.names import abbreviate

# The kinds of help in an office's words (the document is Chinese whatever the page language).
KIND_NAMES = {
    "income_fell": "收入下降",
    "no_guardian": "无人监护照料",
    "medical": "医疗康复",
    "employment": "就业",
    "education": "子女教育",
    "accessibility": "无障碍",
    "other": "其他",
}


def _period(counted: HelpFigures, today: date) -> str:
    if counted.date_from <= today <= counted.date_to:
        return f"{format_cn_date(counted.date_from)}至{format_cn_date(today)}"
    return f"{format_cn_date(counted.date_from)}至{format_cn_date(counted.date_to)}"


def _took(median: timedelta) -> str:
    """Days to one decimal; hours under a day, where "0.4天" reads oddly."""
    if median < timedelta(days=1):
        return f"{max(1, round(median / timedelta(hours=1)))}小时"
    return f"{round(median / timedelta(days=1), 1):g}天"


def _organisation(line: HelpLine) -> str:
    return "本级" if line.is_node else abbreviate(line.name, line.short_name)


def help_sentences(counted: HelpFigures, scope: str, today: date) -> list[str]:
    """One paragraph of figures, then one by kind and by organisation below when there are
    several; nothing to say about a clause whose figure is zero."""
    total = counted.total
    period = _period(counted, today)
    if not total.received:
        return [f"{period}，{scope}暂未收到残疾人及其亲属、邻里通过公开渠道提出的求助。"]
    answered = f"已答复{total.answered}件"
    if total.answered:
        answered += f"，其中按期答复{total.answered_on_time}件（按期答复率{total.on_time_rate}%）"
    still = ""
    if total.open:
        still = f"正在办理{total.open}件" + (
            f"，其中超期{total.overdue}件" if total.overdue else ""
        )
    parts = [
        f"{period}，{scope}通过公开渠道共受理残疾人求助{total.received}件",
        answered,
        f"按期确认受理{total.acknowledged_on_time}件" if total.acknowledged_on_time else "",
        still,
    ]
    text = "；".join(p for p in parts if p) + "。"
    if counted.median_to_answer is not None:
        text += f"从受理到答复用时的中位数为{_took(counted.median_to_answer)}。"
    details = []
    if len(counted.kinds) > 1:
        kinds = "、".join(
            f"{KIND_NAMES.get(k.kind, k.name)}{k.counts.received}件" for k in counted.kinds
        )
        details.append(f"按求助类别分，{kinds}")
    if len(counted.organisations) > 1:
        orgs = "、".join(f"{_organisation(o)}{o.counts.received}件" for o in counted.organisations)
        details.append(f"按责任单位分，{orgs}")
    if details:
        text += "；".join(details) + "。"
    return [text]
