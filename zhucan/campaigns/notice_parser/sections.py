"""Fields that live under a heading of the body: 活动主题, 部门职责, 宣传口号, 宣传要求."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..notice_types import Block, Duty
from .blocks import (
    block_line,
    block_value,
    find_heading,
    is_heading,
    section_after,
    split_inline_heading,
)
from .departments import find_departments

_THEME_HEADING_RE = re.compile(r"主题$")
_THEME_INLINE_RE = re.compile(r"主题\s*[：:。]\s*(?P<theme>.+)$")
_THEME_IN_TEXT_RE = re.compile(
    r"主题(?:是|为)\s*[：:]?\s*[“\"「『](?P<a>[^”\"」』]{2,60})[”\"」』]"
    r"|以\s*[“\"「『](?P<b>[^”\"」』]{2,60})[”\"」』]\s*为(?:活动)?主题"
)
_QUOTED_RE = re.compile(r"^[“\"「『](?P<inner>.+)[”\"」』][。.]?$")
_DUTY_HEADING_RE = re.compile(r"职责|分工")
_SLOGAN_HEADING_RE = re.compile(r"口号|标语")
_PUBLICITY_HEADING_RE = re.compile(r"宣传(?:要求|报道|工作|引导)|加强宣传|舆论")


@dataclass
class Found:
    """A value with the text it came from, for the FieldReport."""

    source: str | None = None
    notes: list[str] = field(default_factory=list)


def _unquote(text: str) -> str:
    match = _QUOTED_RE.match(text)
    return match.group("inner").strip() if match else text


def find_theme(blocks: list[Block]) -> tuple[str | None, Found]:
    heading = find_heading(
        blocks,
        lambda text: (
            bool(_THEME_INLINE_RE.search(text))
            or (len(text) <= 30 and bool(_THEME_HEADING_RE.search(text)))
        ),
    )
    if heading is not None:
        inline = _THEME_INLINE_RE.search(blocks[heading].text)
        if inline:
            return _unquote(inline.group("theme")), Found(block_line(blocks[heading]))
        if is_heading(blocks[heading]):
            section = section_after(blocks, heading)
            if section and section[0].text:
                theme = _unquote(section[0].text)
                return theme, Found(f"{block_line(blocks[heading])} / {section[0].text}")
    for block in blocks:
        match = _THEME_IN_TEXT_RE.search(block.text)
        if match:
            return (match.group("a") or match.group("b")).strip(), Found(block.text)
    return None, Found()


def _items_under(blocks: list[Block], heading: int) -> list[tuple[Block, list[Block]]]:
    """Numbered items of a section, each with the unnumbered paragraphs that follow it."""
    section = section_after(blocks, heading)
    item_level = next((block.level for block in section if block.level > 0), None)
    items: list[tuple[Block, list[Block]]] = []
    for block in section:
        if item_level is not None and block.level == item_level:
            items.append((block, []))
        elif items:
            items[-1][1].append(block)
    return items


def find_duties(blocks: list[Block]) -> tuple[list[Duty], Found]:
    heading = find_heading(
        blocks, lambda text: len(text) <= 30 and bool(_DUTY_HEADING_RE.search(text))
    )
    if heading is None:
        return [], Found()
    duties: list[Duty] = []
    found = Found(block_line(blocks[heading]))
    for position, (item, extra) in enumerate(_items_under(blocks, heading), start=1):
        text = "\n".join([item.text, *(block_line(block) for block in extra)])
        number = block_value(item) or position
        departments, unknown = find_departments(item.text)
        departments.extend(name for name in unknown if name not in departments)
        if not departments:
            found.notes.append(f"第{number}项职责未识别出责任部门")
        elif unknown:
            found.notes.append(f"第{number}项职责中的“{'、'.join(unknown)}”不在部门词典中")
        duties.append(Duty(number=number, text=text, departments=departments))
    return duties, found


def find_slogans(blocks: list[Block]) -> tuple[list[str], Found]:
    heading = find_heading(
        blocks, lambda text: len(text) <= 30 and bool(_SLOGAN_HEADING_RE.search(text))
    )
    if heading is None:
        return [], Found()
    slogans = [block.text for block in section_after(blocks, heading) if block.text]
    return slogans, Found(block_line(blocks[heading]))


def find_publicity(blocks: list[Block]) -> tuple[str | None, Found]:
    heading = find_heading(
        blocks,
        lambda text: (
            len(text) <= 30
            and bool(_PUBLICITY_HEADING_RE.search(text))
            and not _SLOGAN_HEADING_RE.search(text)
        ),
    )
    if heading is None:
        return None, Found()
    inline = split_inline_heading(blocks[heading].text)[1]
    texts = [inline] if inline else []
    texts += [block_line(block) for block in section_after(blocks, heading)]
    return "\n".join(texts) or None, Found(block_line(blocks[heading]))
