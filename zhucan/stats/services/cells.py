"""Adding an accepted report's figures to its cells, and taking them off again.

Called by the review services inside their transaction (the roll-up is internal bookkeeping: the
accept or return itself is what the audit log records). One upsert statement per event, whatever
the depth of the tree: ``INSERT … ON CONFLICT DO UPDATE`` on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhucan.activities.models import ActivityReport, IndicatorValue, Visit
from zhucan.campaigns.chain import campaign_chain
from zhucan.orgs.paths import ancestor_paths
from zhucan.stats.metrics import contribution
from zhucan.stats.models import Cell, CellVersion


def cell_keys(campaign_id: int, org_path: str) -> list[tuple[int, int]]:
    """Every (campaign, organisation) a report of the organisation at ``org_path`` for the
    campaign counts in: each campaign of the chain, with each organisation from the reporter
    up to that campaign's issuer (no higher: above the issuer the campaign has no meaning)."""
    orgs = ancestor_paths(org_path)
    return [
        (campaign_pk, org_pk)
        for campaign_pk, issuer_path in campaign_chain(campaign_id)
        for org_pk, path in orgs
        if path.startswith(issuer_path)
    ]


def upsert_cells(rows: list[tuple[int, int, str, Decimal, int]]) -> None:
    """Add (campaign, organisation, metric, value, count) to the cells, creating missing ones.

    Rows go in sorted by key, so two accepts that meet at the same cells (the province's, say)
    lock them in the same order and wait for each other instead of deadlocking.
    """
    if not rows:
        return
    table = connection.ops.quote_name(Cell._meta.db_table)
    now = timezone.now()
    rows = sorted(rows)
    per_row = 6
    limit = max(1, (connection.features.max_query_params or 30000) // per_row)
    for start in range(0, len(rows), limit):
        chunk = rows[start : start + limit]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for campaign_id, org_id, metric, value, count in chunk:
            params += [campaign_id, org_id, metric, value, count, now]
        sql = f"""
            INSERT INTO {table} (campaign_id, organisation_id, metric, value, count, updated_at)
            VALUES {placeholders}
            ON CONFLICT (campaign_id, organisation_id, metric) DO UPDATE SET
                value = {table}.value + excluded.value,
                count = {table}.count + excluded.count,
                updated_at = excluded.updated_at
        """  # noqa: S608 - the table name from the model, every value a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    _bump_versions(sorted({(campaign_id, org_id) for campaign_id, org_id, *_rest in rows}))


def _bump_versions(keys: list[tuple[int, int]]) -> None:
    """One more change for each (campaign, organisation) whose cells just changed: what the
    cached dashboards are keyed by (see ``CellVersion``). After the cells, in the same sorted
    order, so concurrent accepts still queue rather than deadlock."""
    table = connection.ops.quote_name(CellVersion._meta.db_table)
    limit = max(1, (connection.features.max_query_params or 30000) // 2)
    for start in range(0, len(keys), limit):
        chunk = keys[start : start + limit]
        placeholders = ", ".join(["(%s, %s, 1)"] * len(chunk))
        params = [value for key in chunk for value in key]
        sql = f"""
            INSERT INTO {table} (campaign_id, organisation_id, version) VALUES {placeholders}
            ON CONFLICT (campaign_id, organisation_id) DO UPDATE SET
                version = {table}.version + 1
        """  # noqa: S608 - the table name from the model, every value a parameter
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _apply(report: ActivityReport, sign: int) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("roll-up cells change only inside the review's transaction")
    values = IndicatorValue.objects.filter(report=report).values_list("indicator_id", "value")
    visits = Visit.objects.filter(report=report).values_list(
        "kind", "institution__kind", "households"
    )
    figures = contribution(report, values, visits).figures
    keys = cell_keys(report.campaign_id, report.organisation.path)
    upsert_cells(
        [
            (campaign_id, org_id, metric, value * sign, count * sign)
            for campaign_id, org_id in keys
            for metric, (value, count) in figures.items()
        ]
    )


def count_accepted_report(*, report: ActivityReport) -> None:
    """Add a report that has just been accepted to every cell it counts in. Four queries."""
    _apply(report, +1)


def uncount_report(*, report: ActivityReport) -> None:
    """Take an accepted report that is being returned for correction off its cells again.

    The report cannot change while accepted, so this takes off exactly what was added.
    (An institution whose kind is changed in the directory, or an organisation moved in the tree,
    would shift what a report counts in: run ``rebuild_stats`` after such a change.)
    """
    _apply(report, -1)


def on_report_accepted(sender: Any, *, report: ActivityReport, **kwargs: Any) -> None:
    """Receiver of ``activities.signals.report_accepted``."""
    count_accepted_report(report=report)


def on_accepted_report_returned(sender: Any, *, report: ActivityReport, **kwargs: Any) -> None:
    """Receiver of ``activities.signals.accepted_report_returned``."""
    uncount_report(report=report)
