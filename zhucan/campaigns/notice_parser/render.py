"""A readable Chinese field-by-field listing of a ``ParsedNotice``.

Used by ``parse_notice --format text``.
"""

from __future__ import annotations

from datetime import date

from ..notice_types import ParsedNotice
from .dates import cn_date

_NONE = "（无）"
_STATUS = {"recognised": "已识别", "missing": "未找到", "uncertain": "需核对"}
_FIELD_NAMES = {
    "issuer": "发文机关",
    "doc_number": "发文字号",
    "title": "标题",
    "recipients": "主送机关",
    "campaign": "活动",
    "theme": "活动主题",
    "duties": "部门职责",
    "slogans": "宣传口号",
    "contacts": "联系人",
    "deadlines": "报送时限",
    "issue_date": "成文日期",
}


def _value(value: object) -> str:
    if value is None or value == "":
        return _NONE
    if isinstance(value, date):
        return cn_date(value)
    return str(value)


def _numbered(items: list[str]) -> list[str]:
    return [f"  {index}. {item}" for index, item in enumerate(items, start=1)] or [f"  {_NONE}"]


def _printing(notice: ParsedNotice) -> str:
    parts = [notice.printer or "", cn_date(notice.print_date) if notice.print_date else ""]
    return " ".join(part for part in parts if part) or _NONE


def format_notice_text(notice: ParsedNotice) -> str:
    doc_number = _value(notice.doc_number)
    if notice.doc_number:
        doc_number += (
            f"（机关代字：{notice.issuer_code}，"
            f"年份：{notice.doc_year}，序号：{notice.doc_serial}）"
        )
    campaign = _NONE
    if notice.campaign_name:
        campaign = (
            f"{notice.campaign_name}，届次：{_value(notice.campaign_edition)}，"
            f"日期：{_value(notice.campaign_date)}"
        )
    lines = [
        f"版头：{_value(notice.header)}",
        f"发文机关：{_value(notice.issuer)}",
        f"发文字号：{doc_number}",
        f"标题：{_value(notice.title)}",
        "主送机关：",
        *_numbered(notice.recipients),
        f"活动：{campaign}",
        f"活动主题：{_value(notice.theme)}",
        "部门职责：",
    ]
    for duty in notice.duties:
        departments = "、".join(duty.departments) or "未识别"
        lines.append(f"  {duty.number}. 【{departments}】{duty.text}")
    if not notice.duties:
        lines.append(f"  {_NONE}")
    lines += ["宣传口号：", *_numbered(notice.slogans), f"宣传要求：{_value(notice.publicity)}"]
    lines.append("联系人：")
    lines += _numbered(
        [
            "，".join(
                [contact.name]
                + ([f"电话：{contact.phone}"] if contact.phone else [])
                + ([f"邮箱：{contact.email}"] if contact.email else [])
            )
            for contact in notice.contacts
        ]
    )
    lines.append("报送时限：")
    lines += _numbered([f"{cn_date(d.date)}前报送{d.what}" for d in notice.deadlines])
    lines += [
        f"落款：{_value(notice.signature)}",
        f"成文日期：{_value(notice.issue_date)}",
        f"抄送：{'、'.join(notice.copied_to) or _NONE}",
        f"印发：{_printing(notice)}",
        f"正文：共 {len(notice.body)} 段",
        "识别情况：",
    ]
    for report in notice.reports:
        name = _FIELD_NAMES.get(report.field, report.field)
        detail = f"：{report.message}" if report.message else ""
        lines.append(f"  [{_STATUS.get(report.status, report.status)}] {name}{detail}")
    return "\n".join(lines)
