"""How a figure of the reports is written in a sentence: "发放慰问品150件", "发放慰问金1.3万元".

The summary report writes its figures this way, and the indicators page shows each indicator's
sentence before anyone reports it, so a coordinator sees what an added indicator will read like.
"""

from __future__ import annotations

from decimal import Decimal

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")
# What an indicator's name ends with that the sentence drops: "发放慰问品件数" with its measure
# word 件 is written "发放慰问品150件"; "助学金金额（元）" is written "助学金1.3万元".
COUNT_SUFFIXES = ("数量", "数")
YUAN_SUFFIXES = ("（元）", "(元)", "金额", "数额")


def number_text(value: Decimal | int) -> str:
    """Whole numbers as they are; decimals without trailing zeros (12.50 → 12.5)."""
    amount = Decimal(value).quantize(CENT)
    return format(amount.normalize(), "f")


def money_text(value: Decimal) -> str:
    """In 万元 from ten thousand up (13000 → 1.3万元), otherwise in 元 (2400 → 2400元)."""
    if value >= TEN_THOUSAND:
        return f"{number_text(value / TEN_THOUSAND)}万元"
    return f"{number_text(value)}元"


def figure_phrase(*, name: str, unit: str, measure: str, phrase: str, value: Decimal) -> str:
    """The figure as a clause: the indicator's own sentence when it has one (every default
    indicator does), else its name without the trailing "…数" and the value with its measure
    word; amounts in yuan in 元 or 万元."""
    written = money_text(value) if unit == "yuan" else number_text(value)
    if phrase and "{n}" in phrase:
        return phrase.replace("{n}", written)
    if unit == "yuan":
        return f"{_strip(name, YUAN_SUFFIXES)}{written}"
    if not measure:
        return f"{name}{written}"
    stem = _strip(name, tuple(measure + s for s in COUNT_SUFFIXES) + COUNT_SUFFIXES)
    return f"{stem}{written}{measure}"


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name
