"""Counting what recipients deliver (signed receipts, first plans, first reports) into the cells.

The dashboards show, for every line, how many recipients there are and how many have signed,
sent a plan and sent a report. Read live, that was a grouped query over every receipt of the
cascade (200 ms nationally); kept in the cells like the reports' figures, it is a few rows. The
campaigns, plans and activities services announce each event with a signal of ``campaigns``
(``receipts_sent``, ``first_delivered``) inside their own transaction; the receivers below,
connected in ``StatsConfig.ready()``, count it there. They take plain values: ids and paths.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from zhucan.campaigns.chain import campaign_chain
from zhucan.orgs.paths import ancestor_paths
from zhucan.stats.services.cells import upsert_cells

RECIPIENTS = "recipients"
DELIVERED = {"receipt": "delivered:receipt", "plan": "delivered:plan", "report": "delivered:report"}


def _count(campaign_id: int, org_paths: Iterable[str], metric: str) -> None:
    chain = campaign_chain(campaign_id)
    keys: Counter[tuple[int, int]] = Counter()
    for path in org_paths:
        for org_pk, org_path in ancestor_paths(path):
            for campaign_pk, issuer_path in chain:
                if org_path.startswith(issuer_path):
                    keys[(campaign_pk, org_pk)] += 1
    upsert_cells([(c, o, metric, Decimal(n), n) for (c, o), n in keys.items()])


def count_recipients(*, campaign_id: int, org_paths: Iterable[str]) -> None:
    """A notice went out to these organisations (one receipt each)."""
    _count(campaign_id, org_paths, RECIPIENTS)


def count_delivery(*, campaign_id: int, org_path: str, kind: str) -> None:
    """A recipient delivered ``kind`` (receipt, plan or report) for the first time."""
    _count(campaign_id, [org_path], DELIVERED[kind])


def on_receipts_sent(sender: Any, *, campaign_id: int, org_paths: list[str], **kwargs: Any) -> None:
    count_recipients(campaign_id=campaign_id, org_paths=org_paths)


def on_first_delivered(
    sender: Any, *, campaign_id: int, org_path: str, kind: str, **kwargs: Any
) -> None:
    count_delivery(campaign_id=campaign_id, org_path=org_path, kind=kind)
