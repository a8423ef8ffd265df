"""A dashboard's rendered tables, kept in Django's cache between two changes of its figures.

The national dashboard renders thousands of cells from a few hundred rows; between two accepts
nothing in them changes. The key holds everything the HTML is made of: the campaign and node,
the version of the node's cells (``CellVersion``, changed in the same transaction as every
accept, return, delivery and rebuild under the node), the node's children as they are now
(names, order, whether they have any below), the media counts (read live), the language, the
query string and the person's jurisdiction (two people never share an entry, even for one
node). Every app server reading the same database computes the same key, so a cache shared by
several of them, or one per process, never serves figures older than the database's. The
indicators' names, known only once the figures are, are checked when an entry is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache

from zhucan.activities.models import Indicator
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation, jurisdiction_paths
from zhucan.stats.selectors import CellsState, Children

# An entry outlives no change (the key moves on); the timeout only lets unused ones go.
CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class CachedBoard:
    html: str
    as_of: datetime | None
    has_charts: bool
    # (id, name, unit, position) of the indicators in the tables, in their order.
    indicators: tuple[tuple[int, str, str, int], ...]


def board_key(
    *,
    user: Any,
    campaign: Campaign,
    node: Organisation,
    state: CellsState,
    children: Children,
    media: dict[int, dict[str, int]],
    language: str,
    query: str,
) -> str:
    parts = [
        state.version,
        node.name,
        [[pk, name, below] for pk, name, below in ((k, *v) for k, v in children.items())],
        sorted((key, sorted(kinds.items())) for key, kinds in media.items()),
        language,
        query,
        bool(user.is_superuser),
        jurisdiction_paths(user),
    ]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
    return f"stats:board:{campaign.pk}:{node.pk}:{digest}"


def indicator_rows(ids: list[int]) -> tuple[tuple[int, str, str, int], ...]:
    if not ids:
        return ()
    return tuple(Indicator.objects.filter(pk__in=ids).values_list("pk", "name", "unit", "position"))


def get_board(key: str) -> CachedBoard | None:
    found = cache.get(key)
    if not isinstance(found, CachedBoard):
        return None
    # A renamed or reordered indicator changes the headings: read afresh.
    if found.indicators and indicator_rows([i[0] for i in found.indicators]) != found.indicators:
        return None
    return found


def put_board(key: str, board: CachedBoard) -> None:
    cache.set(key, board, CACHE_SECONDS)
