"""文号 (document numbers): issuer code, year in 〔〕, serial number and 号."""

from __future__ import annotations

import re
import unicodedata

_DOC_NUMBER = re.compile(r"^\s*(\S+?)\s*[〔\[［（(【]\s*(\d{4})\s*[〕\]］）)】]\s*(\d+)\s*号\s*$")


def parse_doc_number(text: str) -> tuple[str, str, int, int] | None:
    """(normalised 文号, issuer code, year, serial), or None when it is not a 文号.

    Brackets [] ［］ （） () 【】 are all written in practice; the standard is 〔〕.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    match = _DOC_NUMBER.match(folded)
    if not match:
        return None
    code, year, serial = match.group(1), int(match.group(2)), int(match.group(3))
    return f"{code}〔{year}〕{serial}号", code, year, serial
