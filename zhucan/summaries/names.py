"""How the summary names organisations in running text and tables."""

from __future__ import annotations


def abbreviate(name: str, short: str = "") -> str:
    """The organisation's short name, or the usual abbreviation of a committee
    (平顶山市人民政府残疾人工作委员会 → 平顶山市残工委). The signature keeps the full name."""
    return short or name.replace("人民政府残疾人工作委员会", "残工委")
