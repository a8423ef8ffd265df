"""What the summary report says, as an ordered list of blocks both renderers walk.

The text is Chinese whatever the page language: it is an official document sent to the level
above. Figures are written into sentences the way an office writes them ("共开展活动12场，走访
慰问困难残疾人家庭26户，发放慰问金1.3万元"); a clause whose figure is zero is left out rather
than printed as "0". Only the completeness by unit is a table, where a table is natural.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from zhucan.activities.figures import Figure, amounts, people
from zhucan.activities.models import Photo
from zhucan.activities.wording import figure_phrase, money_text
from zhucan.campaigns.documents.layout import format_cn_date, signature_indents
from zhucan.plans.documents import chinese_number
from zhucan.summaries.document.help_requests import help_sentences
from zhucan.summaries.models import SummaryReport
from zhucan.summaries.names import abbreviate
from zhucan.summaries.selectors import Done, DutyFigures, Figures, IndicatorTotal, Overall

INSTITUTION_NAMES = {
    "welfare_home": "福利院",
    "rehabilitation": "康复机构",
    "special_education": "特教学校",
    "care_home": "托养照护机构",
    "poverty_base": "扶贫基地",
    "welfare_enterprise": "福利企业",
}
MEDIA_NAMES = {
    "tv": ("电视", "条"),
    "newspaper": ("报纸", "篇"),
    "website": ("网站", "篇"),
    "wechat": ("微信公众号", "篇"),
    "weibo": ("微博", "条"),
    "short_video": ("短视频", "条"),
}
COMPLETENESS_COLUMNS = (
    ("receipt", "签收通知"),
    ("plan", "报送活动方案"),
    ("report", "报送活动情况"),
)


class Kind(StrEnum):
    TITLE = "title"
    RECIPIENTS = "recipients"
    HEADING = "heading"  # 一、 黑体
    SUBHEADING = "subheading"  # （一） 楷体
    BODY = "body"
    PHOTO = "photo"
    TABLE = "table"
    SIGNATURE = "signature"
    DATE = "date"


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str = ""
    photo: Photo | None = None
    table: Table | None = None
    right_indent_chars: float = 0.0  # signature and date, in body characters


@dataclass(frozen=True)
class Texts:
    """What a person wrote (or the defaults until someone saves)."""

    overview: str = ""
    duty_remarks: dict[str, str] = field(default_factory=dict)
    problems: str = ""
    next_steps: str = ""
    closing: str = ""


@dataclass(frozen=True)
class SummaryDocument:
    title: str
    author: str
    blocks: list[Block]


# --- Words and numbers ----------------------------------------------------------------------


def indicator_phrase(total: IndicatorTotal) -> str:
    return figure_phrase(
        name=total.name,
        unit=total.unit,
        measure=total.measure,
        phrase=total.phrase,
        value=total.value,
    )


def clauses(*parts: str) -> str:
    return "，".join(p for p in parts if p)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def scope_word(figures: Figures) -> str:
    """全市 / 全区 / 全县 for a committee or federation; 本单位 for a member unit."""
    org = figures.organisation
    if org.kind in ("committee", "federation", "government"):
        region = (org.region.name if org.region_id else "") or ""
        if region and region[-1] in "市区县旗":
            return f"全{region[-1]}"
    return "本单位"


def short_name(figures: Figures) -> str:
    org = figures.organisation
    return abbreviate(org.name, org.short_name)


def title_of(figures: Figures) -> str:
    campaign = figures.campaign
    return f"关于{campaign.year}年{campaign.kind.name}活动开展情况的总结"


def _date_span(start: date, end: date) -> str:
    if start == end:
        return f"{start.month}月{start.day}日"
    return f"{start.month}月{start.day}日至{end.month}月{end.day}日"


def duty_subject(duty: DutyFigures) -> str:
    """Who the duty is for, as the notice says it: the words before its first 要 or 在
    ("各级民政、残联、住房城乡建设、扶贫办等部门"); else its departments; else its number."""
    text = duty.text.strip()
    cuts = [i for i in (text.find("要"), text.find("在")) if i > 1]
    if cuts and min(cuts) <= 30:
        return text[: min(cuts)].rstrip("，,、 ")
    if duty.departments:
        return "、".join(duty.departments[:4]) + "等单位"
    return f"第{chinese_number(duty.number)}项任务"


# --- Sections -------------------------------------------------------------------------------


def _intro(figures: Figures) -> str:
    campaign = figures.campaign
    opening = ""
    if campaign.date and campaign.edition:
        opening = (
            f"{format_cn_date(campaign.date)}是第{chinese_number(campaign.edition)}次"
            f"{campaign.kind.name}"
        )
        if campaign.theme:
            opening += f"，活动主题是“{campaign.theme}”"
        opening += "。"
    notice = getattr(campaign, "notice", None)
    basis = ""
    if notice is not None and notice.title:
        number = f"（{notice.doc_number}）" if notice.doc_number else ""
        basis = f"按照《{notice.title}》{number}要求，"
    scope = scope_word(figures)
    who = short_name(figures)
    if scope == "本单位":
        doing = f"{who}结合工作职责，组织开展了助残日系列活动。"
    else:
        doing = f"{who}组织{scope}各有关单位开展了助残日系列活动。"
    return f"{opening}{basis}{doing}现将活动开展情况总结如下："


def figure_clause(figure: Figure, value: int | Decimal) -> str:
    """A fixed figure in its words ("服务残疾人26人", "发放慰问金1.3万元"); nothing for 0."""
    if not value:
        return ""
    return figure.sentence.format(n=money_text(Decimal(value)) if figure.is_yuan else value)


def _people(o: Overall, figure: Figure) -> str:
    """A people count, saying how many reports gave it when some left it unknown: an unknown
    figure is not a zero, and the total is a floor ("据12份报告中的9份统计")."""
    value, given = o.totals.get(figure.name, 0), o.given.get(figure.name, o.reports)
    if not given:
        return ""
    text = figure_clause(figure, value)
    if text and given < o.reports:
        text += f"（据{o.reports}份报告中填报该数的{given}份统计）"
    return text


def _overall_sentences(figures: Figures) -> list[str]:
    o, v, scope = figures.overall, figures.visits, scope_word(figures)
    if not o.reports:
        return [
            f"截至{format_cn_date(figures.today)}，{scope}尚无通过审核的活动情况报告，"
            "相关数据待各单位报送审核后补充。"
        ]
    online = f"（其中线上活动{o.online}场）" if o.online else ""
    first = clauses(
        f"助残日期间，{scope}共开展各类助残活动{o.reports}场{online}",
        *(_people(o, f) for f in people()),
    )
    institutions = ""
    if v.institutions:
        kinds = "、".join(INSTITUTION_NAMES.get(k, k) for k in v.by_kind)
        institutions = f"慰问{kinds}等机构{v.institutions}家次"
    second = clauses(
        f"走访慰问困难残疾人家庭{v.households}户" if v.households else "",
        institutions,
        *(figure_clause(f, o.totals.get(f.name, 0)) for f in amounts()),
    )
    sentences = [first + "；" + second + "。" if second else first + "。"]
    if figures.indicators:
        sentences.append("此外，" + clauses(*map(indicator_phrase, figures.indicators)) + "。")
    if o.plans:
        sentences.append(
            f"各单位共报送活动方案{o.plans}份，计划开展活动{o.planned}项，"
            f"已有{o.organisations}个单位报送的活动情况通过审核。"
        )
    return ["".join(sentences)]


def _duty_blocks(figures: Figures, texts: Texts) -> list[Block]:
    blocks: list[Block] = []
    for index, duty in enumerate(figures.duties, start=1):
        blocks.append(
            Block(Kind.SUBHEADING, f"（{chinese_number(index)}）{duty_subject(duty)}落实情况")
        )
        number = chinese_number(duty.number)
        planned = f"各单位围绕通知第{number}项任务计划开展活动{duty.planned}项"
        if duty.reports:
            body = clauses(
                planned if duty.planned else f"围绕通知第{number}项任务",
                f"已开展并通过审核的活动{duty.reports}场",
                *(figure_clause(f, duty.totals.get(f.name, 0)) for f in people() if f.by_duty),
                *map(indicator_phrase, duty.indicators),
                *(figure_clause(f, duty.totals.get(f.name, 0)) for f in amounts() if f.by_duty),
            )
            examples = "、".join(f"{org}开展的“{title}”" for org, title in duty.examples)
            body += "。" + (f"如{examples}等活动。" if examples else "")
        elif duty.planned:
            body = planned + "，暂无通过审核的活动情况报告。"
        else:
            body = f"通知第{number}项任务暂无报送的计划活动和活动情况。"
        blocks.append(Block(Kind.BODY, body))
        blocks += [
            Block(Kind.BODY, line)
            for line in paragraphs(texts.duty_remarks.get(str(duty.number), ""))
        ]
    if not blocks:
        blocks.append(Block(Kind.BODY, "本次活动通知未列明具体任务分工。"))
    return blocks


def _typical_blocks(figures: Figures) -> list[Block]:
    items = figures.typical
    if not items:
        return [Block(Kind.BODY, "本次活动暂未确定典型活动。")]
    blocks = [Block(Kind.BODY, f"经审核，共确定典型活动{len(items)}项。")]
    picture = 0
    for index, item in enumerate(items, start=1):
        blocks.append(
            Block(Kind.SUBHEADING, f"（{chinese_number(index)}）{item.organisation}：{item.title}")
        )
        when = _date_span(item.start_date, item.end_date)
        lines = paragraphs(item.account)
        if lines:
            lines[0] = f"{when}，{lines[0]}"
        blocks += [Block(Kind.BODY, line) for line in lines or [f"{when}开展。"]]
        if item.photo is not None:
            picture += 1
            caption = item.photo.caption or item.title
            blocks.append(Block(Kind.PHOTO, f"图{picture}　{caption}", photo=item.photo))
    return blocks


def _media_blocks(figures: Figures) -> list[Block]:
    media = figures.media
    if not media.total:
        return [Block(Kind.BODY, "助残日期间暂无报送的宣传报道。")]
    kinds = "、".join(
        f"{MEDIA_NAMES[k][0]}{n}{MEDIA_NAMES[k][1]}" for k, n in media.by_kind.items()
    )
    blocks = [
        Block(
            Kind.BODY,
            f"各级各单位围绕助残日主题，在电视、报纸、网站和新媒体等刊发（播出）宣传报道"
            f"{media.total}篇（条），其中{kinds}。主要报道有：",
        )
    ]
    for number, item in enumerate(media.items, start=1):
        when = f"{item.date.month}月{item.date.day}日"
        blocks.append(Block(Kind.BODY, f"{number}.《{item.title}》，{item.outlet}，{when}。"))
    return blocks


def _completeness_blocks(figures: Figures) -> list[Block]:
    total = figures.completeness_total
    receipt, plan, report = (total.get(k) for k, _label in COMPLETENESS_COLUMNS)
    if not receipt or not receipt.expected:
        return [Block(Kind.BODY, "本级通知暂无下发对象，不涉及工作完成情况统计。")]
    parts = [f"应签收通知{receipt.expected}家，已签收{receipt.done}家"]
    if plan:
        parts.append(
            f"应报送活动方案{plan.expected}家，已报送{plan.done}家（其中按时报送{plan.on_time}家）"
        )
    if report:
        parts.append(f"应报送活动情况{report.expected}家，已报送{report.done}家")
    sentence = f"截至{format_cn_date(figures.today)}，{'；'.join(parts)}。各单位完成情况见表1。"

    def cell(done: Done | None) -> str:
        return f"{done.done}/{done.expected}" if done is not None and done.expected else "—"

    rows = tuple(
        (("本级" if line.is_node else line.name),)
        + tuple(cell(line.cells.get(k)) for k, _label in COMPLETENESS_COLUMNS)
        for line in figures.completeness
    )
    table = Table(
        caption="表1　各单位工作完成情况（已完成/应完成）",
        headers=("单位", *(label for _k, label in COMPLETENESS_COLUMNS)),
        rows=rows,
        footer=("合计", *(cell(total.get(k)) for k, _label in COMPLETENESS_COLUMNS)),
    )
    return [Block(Kind.BODY, sentence), Block(Kind.TABLE, table=table)]


def _help_blocks(figures: Figures) -> list[Block]:
    """For a committee or federation, whose counties answer the public's requests; a member
    unit's subtree is responsible for none, so its summary leaves the section out."""
    scope = scope_word(figures)
    if scope == "本单位" and not figures.help.total.received:
        return []
    return [Block(Kind.BODY, s) for s in help_sentences(figures.help, scope, figures.today)]


def _problems_blocks(texts: Texts) -> list[Block]:
    problems, steps = paragraphs(texts.problems), paragraphs(texts.next_steps)
    blocks: list[Block] = []
    if problems:
        blocks.append(Block(Kind.SUBHEADING, "（一）存在的问题"))
        blocks += [Block(Kind.BODY, line) for line in problems]
    if steps:
        heading = "（二）下一步打算" if problems else "（一）下一步打算"
        blocks.append(Block(Kind.SUBHEADING, heading))
        blocks += [Block(Kind.BODY, line) for line in steps]
    return blocks


def default_texts(figures: Figures) -> Texts:
    """What the form offers before anyone has saved: a closing in the usual words."""
    theme = figures.campaign.theme
    spirit = f"营造“{theme}”的良好氛围" if theme else "营造扶残助残的良好社会氛围"
    return Texts(
        closing=(
            f"{short_name(figures)}将以此次活动为契机，持续关心关爱残疾人，推动各项助残政策"
            f"落实落地，进一步{spirit}。"
        )
    )


def summary_document(figures: Figures, texts: Texts) -> SummaryDocument:
    """The whole summary, in reading order; a section without content is left out only where
    an empty section would say nothing (problems and next steps)."""
    blocks = [Block(Kind.TITLE, title_of(figures))]
    parent = figures.organisation.parent
    if parent is not None:
        blocks.append(Block(Kind.RECIPIENTS, f"{parent.name}："))
    blocks.append(Block(Kind.BODY, _intro(figures)))
    sections: list[tuple[str, list[Block]]] = [
        (
            "基本情况",
            [Block(Kind.BODY, s) for s in _overall_sentences(figures)]
            + [Block(Kind.BODY, line) for line in paragraphs(texts.overview)],
        ),
        ("各项任务落实情况", _duty_blocks(figures, texts)),
        ("典型活动", _typical_blocks(figures)),
        ("宣传报道情况", _media_blocks(figures)),
        ("工作完成情况", _completeness_blocks(figures)),
        ("群众求助办理情况", _help_blocks(figures)),
        ("存在的问题和下一步打算", _problems_blocks(texts)),
    ]
    number = 0
    for heading, content in sections:
        if not content:
            continue
        number += 1
        blocks.append(Block(Kind.HEADING, f"{chinese_number(number)}、{heading}"))
        blocks += content
    blocks += [Block(Kind.BODY, line) for line in paragraphs(texts.closing)]
    org = figures.organisation
    day = format_cn_date(figures.today)
    signature_indent, date_indent = signature_indents(org.name, day)
    blocks.append(Block(Kind.SIGNATURE, org.name, right_indent_chars=signature_indent))
    blocks.append(Block(Kind.DATE, day, right_indent_chars=date_indent))
    return SummaryDocument(title=title_of(figures), author=org.name, blocks=blocks)


def texts_for(saved: SummaryReport | None, figures: Figures) -> Texts:
    """What the person saved, or the defaults until someone saves."""
    if saved is None or saved.version == 0:
        return default_texts(figures)
    return Texts(
        overview=saved.overview,
        duty_remarks={str(k): str(v) for k, v in (saved.duty_remarks or {}).items()},
        problems=saved.problems,
        next_steps=saved.next_steps,
        closing=saved.closing,
    )
