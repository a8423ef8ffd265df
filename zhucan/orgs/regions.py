"""GB/T 2260 region codes, read from the table python-stdnum maintains."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from django.utils.translation import gettext as _

from zhucan.core.errors import DomainError

_LINE = re.compile(r'^(\s*)(\d+) (?:province|county)="(.*)"$')
_SPAN = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class RegionCode:
    code: str
    name: str
    level: str
    parent_code: str | None
    is_current: bool


def _current_name(raw: str) -> tuple[str, bool]:
    """Names look like "[1983-1993]郊区,[1994-]湛河区": the open-ended span is today's name."""
    last_name = raw
    for part in raw.split(","):
        match = _SPAN.match(part)
        if not match:
            return part, True
        _start, end, name = match.groups()
        last_name = name
        if not end:
            return name, True
    return last_name, False


def _level_and_parent(code: str) -> tuple[str, str | None]:
    if code.endswith("0000"):
        return "province", None
    if code.endswith("00"):
        return "city", code[:2] + "0000"
    return "county", code[:4] + "00"


@lru_cache(maxsize=1)
def gbt2260_codes() -> dict[str, RegionCode]:
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    codes: dict[str, RegionCode] = {}
    prefix = ""
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        indent, digits, raw = match.groups()
        if not indent:
            prefix = digits
            code = digits + "0000"
        else:
            code = prefix + digits
        name, current = _current_name(raw)
        level, parent = _level_and_parent(code)
        codes[code] = RegionCode(code, name, level, parent, current)
    # Every province line also appears as "xx0000 county=..."; keep the province level.
    return codes


def iter_regions() -> Iterator[RegionCode]:
    yield from sorted(gbt2260_codes().values(), key=lambda r: r.code)


def validate_region_code(code: str) -> RegionCode:
    """The region for a six-digit code, or a DomainError a person can act on."""
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        raise DomainError(_("A region code has six digits, for example 410400."), field="region")
    region = gbt2260_codes().get(code)
    if region is None:
        raise DomainError(
            _("Unknown region code %(code)s (not in GB/T 2260).") % {"code": code}, field="region"
        )
    return region
