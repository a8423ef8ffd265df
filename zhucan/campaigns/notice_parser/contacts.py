"""联系人 lines: "联系人：高秋法，电话：2690909，电子邮箱：pdscanlian@163.com" and its variants.

Several people may follow one 联系人 label ("赵 丽，联系电话：…；王明，手机：…") or each have
their own label. Phones and e-mail addresses attach to the person named before them.
"""

from __future__ import annotations

import re
import unicodedata

from ..notice_types import Contact
from .normalise import despace, split_top_level

_ANCHOR_RE = re.compile(r"联\s*系\s*人(?:及(?:其)?(?:联系)?(?:电话|方式))?\s*[：:]")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_PHONE_RE = re.compile(
    r"(?<![\d\-])(?:1[3-9]\d{9}|(?:0\d{2,3}\s*[-—–]\s*)?[2-9]\d{6,7}|0\d{9,11})(?![\d\-])"
)
_DASH_RE = re.compile(r"\s*[-—–]\s*")
_FAX_RE = re.compile(r"^传\s*真")
_LABEL_RE = re.compile(
    r"(?:联系|办公|值班)?(?:电话(?:号码)?|手机(?:号码?)?|座机|固话)"
    r"|(?:电子)?(?:邮箱|邮件|信箱)|e-?mail|tel|[：:（）()\s]",
    re.IGNORECASE,
)
_HONORIFIC_RE = re.compile(r"(?:同志|老师|先生|女士)$")
_PERSON_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,10})$")
_ORGAN_END_RE = re.compile(r"(?:联|办|局|委|会|室|部|处|科|股|中心|单位)$")


def _segments(text: str) -> list[tuple[str, str]]:
    """(text after each 联系人 label up to the end of its sentence, the whole source line)."""
    anchors = list(_ANCHOR_RE.finditer(text))
    segments: list[tuple[str, str]] = []
    for index, anchor in enumerate(anchors):
        limit = anchors[index + 1].start() if index + 1 < len(anchors) else len(text)
        depth = 0
        end = anchor.end()
        while end < limit:
            char = text[end]
            if char in "。\n":
                break
            if char in "（(":
                depth += 1
            elif char in "）)":
                if depth == 0:
                    break
                depth -= 1
            end += 1
        # The report shows the sentence with the label, not the whole paragraph.
        start = max(text.rfind(stop, 0, anchor.start()) for stop in "。\n；;") + 1
        source = text[start : min(end + 1, len(text))].strip()
        segments.append((text[anchor.end() : end], source))
    return segments


def _add(current: str | None, value: str) -> str:
    return value if not current else f"{current}、{value}"


def find_contacts(text: str) -> tuple[list[Contact], list[str]]:
    """(contacts, source lines)."""
    contacts: list[Contact] = []
    sources: list[str] = []
    for segment, source in _segments(text):
        current: Contact | None = None
        pending_phones: list[str] = []
        pending_emails: list[str] = []
        for part in split_top_level(segment, "，,；;、"):
            folded = unicodedata.normalize("NFKC", part)
            if _FAX_RE.match(folded):
                continue
            emails = _EMAIL_RE.findall(folded)
            rest = _EMAIL_RE.sub("", folded)
            phones = [_DASH_RE.sub("-", phone) for phone in _PHONE_RE.findall(rest)]
            rest = _HONORIFIC_RE.sub("", despace(_LABEL_RE.sub("", _PHONE_RE.sub("", rest))))
            is_person = bool(_PERSON_RE.match(rest)) and not (
                len(rest) > 2 and _ORGAN_END_RE.search(rest)
            )
            if is_person:
                current = Contact(name=rest)
                contacts.append(current)
                phones, emails = pending_phones + phones, pending_emails + emails
                pending_phones, pending_emails = [], []
            if current is None:
                pending_phones.extend(phones)
                pending_emails.extend(emails)
                continue
            for phone in phones:
                current.phone = _add(current.phone, phone)
            for email in emails:
                current.email = _add(current.email, email)
        if current is not None and source not in sources:
            sources.append(source)
    return contacts, sources
