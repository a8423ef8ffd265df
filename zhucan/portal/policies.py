"""The policies a notice names: each 《title》 of its body, once, with the part that names it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A title is short and on one line; 《…》 may nest one 〈…〉 (《河南省〈残疾人保障法〉实施办法》).
_TITLE_RE = re.compile(r"《([^《》\n]{2,60})》")


@dataclass(frozen=True)
class Policy:
    title: str
    section: str  # the heading the notice names it under, "" when none


def policies_named(body: list[dict[str, Any]]) -> list[Policy]:
    """In the order the notice names them; a title named twice is listed once."""
    found: dict[str, Policy] = {}
    heading = ""
    for block in body:
        text = str(block.get("text") or "")
        level = block.get("level") or 0
        if level in (1, 2) and len(text) <= 30:
            heading = text
        for match in _TITLE_RE.finditer(text):
            title = match.group(1).strip()
            found.setdefault(title, Policy(title=title, section=heading))
    return list(found.values())
