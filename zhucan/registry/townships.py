"""Matching a township name as written to the county's list (``models.townships``).

Exact first; then the name without spaces, in half-width forms and without the suffix that
sheets write one way or another (镇/乡/街道/街道办事处/办事处), so that "光明路 街道",
"光明路办事处" and "光明路街道" are the same place. A key two listed names share is not
used: guessing between them would put people in the wrong place.
"""

from __future__ import annotations

import unicodedata

from zhucan.orgs.models import Organisation
from zhucan.registry.models.townships import Township

# Longest first: "街道办事处" before "办事处" before "街道".
SUFFIXES = ("街道办事处", "办事处", "街道", "镇", "乡")


def township_key(name: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class TownshipMatcher:
    """The names of one list, and how a written name finds its listed one."""

    def __init__(self, names: list[str]) -> None:
        self.names = sorted(set(names))
        self._exact = set(self.names)
        keys: dict[str, str | None] = {}
        for name in self.names:
            key = township_key(name)
            keys[key] = None if key in keys and keys[key] != name else name
        self._keys = keys

    def __bool__(self) -> bool:
        return bool(self.names)

    def match(self, written: str) -> str | None:
        """The listed name ``written`` means, or None."""
        if written in self._exact:
            return written
        return self._keys.get(township_key(written))


def list_owner(organisation: Organisation) -> Organisation | None:
    """The organisation whose list applies to a registry: the organisation itself or, when it
    keeps none, the nearest one above it that does."""
    parts = organisation.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[:n]) + "/" for n in range(len(parts), 0, -1)]
    owners = (
        Organisation.objects.filter(path__in=paths, registry_townships__isnull=False)
        .distinct()
        .order_by("-path")
    )
    return max(owners, key=lambda org: len(org.path), default=None)


def matcher_for(organisation: Organisation) -> TownshipMatcher:
    owner = list_owner(organisation)
    if owner is None:
        return TownshipMatcher([])
    return TownshipMatcher(
        list(Township.objects.filter(organisation=owner).values_list("name", flat=True))
    )
