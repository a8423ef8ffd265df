"""Counting what recipients deliver (signed receipts, first plans, first reports) into the cells.

The dashboards show, for every line, how many recipients there are and how many have signed,
sent a plan and sent a report. Read live, that was a grouped query over every receipt of the
cascade (200 ms nationally); kept in the cells like the reports' figures, it is a few rows. The
campaigns, plans and activities services call these in their own transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from zhucan.campaigns.models import Receipt
from zhucan.campaigns.signals import first_delivery
from zhucan.orgs.models import Organisation
from zhucan.stats.services.cells import _upsert, ancestor_paths, campaign_chain

RECIPIENTS = "recipients"
DELIVERED = {"receipt": "delivered:receipt", "plan": "delivered:plan", "report": "delivered:report"}
# Where a recipient's receipt keeps the moment of its first plan or report.
FIRST_AT = {"plan": "first_plan_at", "report": "first_report_at"}


def _count(campaign_id: int, org_paths: Iterable[str], metric: str) -> None:
    chain = campaign_chain(campaign_id)
    keys: Counter[tuple[int, int]] = Counter()
    for path in org_paths:
        for org_pk, org_path in ancestor_paths(path):
            for campaign_pk, issuer_path in chain:
                if org_path.startswith(issuer_path):
                    keys[(campaign_pk, org_pk)] += 1
    _upsert([(c, o, metric, Decimal(n), n) for (c, o), n in keys.items()])


def count_recipients(*, campaign_id: int, org_paths: Iterable[str]) -> None:
    """A notice went out to these organisations (one receipt each)."""
    _count(campaign_id, org_paths, RECIPIENTS)


def count_delivery(*, campaign_id: int, org_path: str, kind: str) -> None:
    """A recipient delivered ``kind`` (receipt, plan or report) for the first time."""
    _count(campaign_id, [org_path], DELIVERED[kind])


def record_first_delivery(
    *, campaign_id: int, organisation: Organisation, kind: str, at: datetime
) -> None:
    """A recipient submitted a plan or report (``kind``): the first one's moment goes on its
    receipt (completeness reads it there) and is counted, once; later ones change nothing."""
    field = FIRST_AT[kind]
    if Receipt.objects.filter(
        campaign_id=campaign_id, organisation_id=organisation.pk, **{f"{field}__isnull": True}
    ).update(**{field: at}):
        count_delivery(campaign_id=campaign_id, org_path=organisation.path, kind=kind)
        first_delivery.send(
            sender=Receipt, campaign_id=campaign_id, org_path=organisation.path, kind=kind, at=at
        )
