"""Keeping ``DeliveryCount`` up: every recipient counted under its campaign's chain and the
organisations above it, by kind, due day and day of delivery.

The campaigns, plans and activities services tell us through ``campaigns.signals`` (receipts
created, a first delivery, deadlines moved), inside their own transaction, so the counts change
with what they count or not at all. One upsert per event, as for the statistics cells: sorted
keys, so that two deliveries meeting at the same rows (the province's) queue rather than
deadlock. ``rebuild_delivery_counts`` recomputes everything from the receipts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhucan.campaigns.chain import campaign_chain
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.completeness.deliverables import DELIVERABLES, local_date
from zhucan.completeness.models import NO_DAY, DeliveryCount, ReminderSchedule
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.orgs.paths import ancestor_paths

# (campaign, organisation, kind, due, delivered_on) -> how many recipients.
Key = tuple[int, int, str, date, date]
KINDS = [d.kind.value for d in DELIVERABLES]


def dues(campaign: Campaign, schedule: ReminderSchedule | None) -> dict[str, date]:
    """The due day of each kind for the campaign's own recipients (NO_DAY: none set)."""
    return {d.kind.value: d.due(campaign, schedule) or NO_DAY for d in DELIVERABLES}


def spread(
    chain: list[tuple[int, str]], leaves: Iterable[tuple[str, str, date, date, int]]
) -> Counter[Key]:
    """(recipient's path, kind, due, delivered_on, n) of one campaign's recipients, counted at
    every campaign of the chain and every organisation up to that campaign's issuer."""
    counts: Counter[Key] = Counter()
    for path, kind, due, day, n in leaves:
        for org_pk, org_path in ancestor_paths(path):
            for campaign_pk, issuer_path in chain:
                if org_path.startswith(issuer_path):
                    counts[(campaign_pk, org_pk, kind, due, day)] += n
    return counts


def _upsert(counts: Counter[Key]) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("delivery counts change only inside the delivery's transaction")
    rows = sorted((key, n) for key, n in counts.items() if n)
    table = connection.ops.quote_name(DeliveryCount._meta.db_table)
    limit = max(1, (connection.features.max_query_params or 30000) // 6)
    for start in range(0, len(rows), limit):
        chunk = rows[start : start + limit]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = [value for key, n in chunk for value in (*key, n)]
        sql = f"""
            INSERT INTO {table} (campaign_id, organisation_id, kind, due, delivered_on, count)
            VALUES {placeholders}
            ON CONFLICT (campaign_id, organisation_id, kind, due, delivered_on) DO UPDATE SET
                count = {table}.count + excluded.count
        """  # noqa: S608 - the table name from the model, every value a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _schedule(campaign_id: int) -> ReminderSchedule | None:
    return ReminderSchedule.objects.filter(campaign_id=campaign_id).first()


def count_recipients(*, campaign_id: int, org_paths: Iterable[str]) -> None:
    """The notice went out to these organisations: each owes every kind, none delivered."""
    campaign = Campaign.objects.get(pk=campaign_id)
    due = dues(campaign, _schedule(campaign_id))
    leaves = [(path, kind, due[kind], NO_DAY, 1) for path in org_paths for kind in KINDS]
    _upsert(spread(campaign_chain(campaign_id), leaves))


def count_delivery(*, campaign_id: int, org_path: str, kind: str, at: datetime) -> None:
    """A recipient delivered ``kind`` for the first time, at ``at``: from "not yet" to its day."""
    campaign = Campaign.objects.get(pk=campaign_id)
    due = dues(campaign, _schedule(campaign_id))[kind]
    day = timezone.localdate(at)
    leaves = [(org_path, kind, due, NO_DAY, -1), (org_path, kind, due, day, 1)]
    _upsert(spread(campaign_chain(campaign_id), leaves))


def _recipients(
    campaign_ids: list[int] | None = None, receipt_model: Any = Receipt
) -> Iterable[tuple[Any, ...]]:
    """(campaign, path, day of each kind…) of every receipt, or of those campaigns'."""
    receipts = receipt_model.objects.all()
    if campaign_ids is not None:
        receipts = receipts.filter(campaign_id__in=campaign_ids)
    days = {f"on_{n}": local_date(d.field) for n, d in enumerate(DELIVERABLES)}
    rows: Iterable[tuple[Any, ...]] = (
        receipts.annotate(**days)
        .values_list("campaign_id", "organisation__path", *days)
        .order_by()
        .iterator(chunk_size=5000)
    )
    return rows


def move_dues(*, campaign: Campaign, before: dict[str, date]) -> None:
    """The campaign's deadlines moved (``before``: each kind's due as it was): its recipients'
    counts move with them, delivered or not."""
    after = dues(campaign, _schedule(campaign.pk))
    moved = [n for n, kind in enumerate(KINDS) if before[kind] != after[kind]]
    if not moved:
        return
    leaves = []
    for _campaign_id, path, *days in _recipients([campaign.pk]):
        for n in moved:
            kind, day = KINDS[n], days[n] or NO_DAY
            leaves += [(path, kind, before[kind], day, -1), (path, kind, after[kind], day, 1)]
    _upsert(spread(campaign_chain(campaign.pk), leaves))


def computed_counts(campaign_model: Any = Campaign, receipt_model: Any = Receipt) -> Counter[Key]:
    """Every count worked out afresh from the receipts and the deadlines (the models: the
    migration that starts the counts passes its own)."""
    campaigns = {
        pk: (parent_id, path, Campaign(plans_due=p, reports_due=r, summary_due=s), receipts_due)
        for pk, parent_id, path, p, r, s, receipts_due in campaign_model.objects.values_list(
            "pk",
            "parent_id",
            "issuing_org__path",
            "plans_due",
            "reports_due",
            "summary_due",
            "reminder_schedule__receipts_due",
        )
    }
    chains: dict[int, list[tuple[int, str]]] = {}

    def chain(pk: int) -> list[tuple[int, str]]:
        if pk not in chains:
            parent_id, path, _c, _r = campaigns[pk]
            chains[pk] = [(pk, path), *(chain(parent_id) if parent_id else [])]
        return chains[pk]

    due_of = {
        pk: dues(c, ReminderSchedule(receipts_due=r) if r else None)
        for pk, (_p, _path, c, r) in campaigns.items()
    }
    counts: Counter[Key] = Counter()
    for campaign_id, path, *days in _recipients(receipt_model=receipt_model):
        due = due_of[campaign_id]
        leaves = [
            (path, kind, due[kind], day or NO_DAY, 1) for kind, day in zip(KINDS, days, strict=True)
        ]
        counts.update(spread(chain(campaign_id), leaves))
    return counts


def write_counts(counts: Counter[Key], model: Any = DeliveryCount) -> int:
    """Replace every row with ``counts``; returns how many rows were written."""
    model.objects.all().delete()
    model.objects.bulk_create(
        (
            model(campaign_id=c, organisation_id=o, kind=k, due=due, delivered_on=day, count=n)
            for (c, o, k, due, day), n in counts.items()
            if n
        ),
        batch_size=5000,
    )
    return sum(1 for n in counts.values() if n)


@transaction.atomic
def rebuild_delivery_counts(*, by: Actor | None) -> int:
    """Recompute every count from the receipts (after loading data past the services, or an
    organisation moved in the tree). Returns the number of rows; one audit entry."""
    written = write_counts(computed_counts())
    audit.record(
        by=by, action="completeness.counts.rebuilt", target=None, changes={"rows": written}
    )
    return written


# Receivers of ``campaigns.signals``, connected in apps.py.


def on_receipts_sent(sender: Any, campaign_id: int, org_paths: list[str], **kwargs: Any) -> None:
    count_recipients(campaign_id=campaign_id, org_paths=org_paths)


def on_first_delivered(
    sender: Any, campaign_id: int, org_path: str, kind: str, at: datetime, **kwargs: Any
) -> None:
    count_delivery(campaign_id=campaign_id, org_path=org_path, kind=kind, at=at)


def on_deadlines_moved(sender: Any, campaign: Campaign, before: Campaign, **kwargs: Any) -> None:
    move_dues(campaign=campaign, before=dues(before, _schedule(campaign.pk)))
