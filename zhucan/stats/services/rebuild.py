"""Rebuilding the roll-up cells from the accepted reports, with set-based SQL.

One ``INSERT … SELECT`` computes every cell at once: the accepted reports are first summed per
(campaign, organisation, metric) in a single pass over each raw table, and only those sums are
then spread to the campaigns above (a recursive walk of ``parent_id``) and the organisations above
(a recursive walk of the tree, kept inside each campaign's issuer's subtree, as the incremental
path does). The same SQL runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhucan.activities.models import (
    ActivityReport,
    IndicatorValue,
    Institution,
    Visit,
)
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.orgs.models import Organisation
from zhucan.stats.models import Cell


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "cells": q(Cell._meta.db_table),
        "campaigns": q(Campaign._meta.db_table),
        "orgs": q(Organisation._meta.db_table),
        "reports": q(ActivityReport._meta.db_table),
        "values": q(IndicatorValue._meta.db_table),
        "visits": q(Visit._meta.db_table),
        "institutions": q(Institution._meta.db_table),
    }


# {scope} is empty for a full rebuild, or "AND campaign_id IN (SELECT id FROM scoped)" style
# conditions that keep everything inside one campaign's cascade.
REBUILD_SQL = """
WITH RECURSIVE
scoped(id) AS (
    SELECT id FROM {campaigns} WHERE {scope_root}
    UNION ALL
    SELECT c.id FROM {campaigns} c JOIN scoped s ON c.parent_id = s.id
),
accepted AS (
    SELECT id, campaign_id, organisation_id, category, mode, attendance, disabled_served,
           volunteers, cash, goods_value
    FROM {reports}
    WHERE status = 'accepted' AND campaign_id IN (SELECT id FROM scoped)
),
grouped AS (
    SELECT campaign_id, organisation_id, category, mode, COUNT(*) AS n,
           SUM(attendance) AS attendance, SUM(disabled_served) AS disabled_served,
           SUM(volunteers) AS volunteers, SUM(cash) AS cash, SUM(goods_value) AS goods_value
    FROM accepted
    GROUP BY campaign_id, organisation_id, category, mode
),
base(campaign_id, organisation_id, metric, value, n) AS (
    SELECT campaign_id, organisation_id, 'reports', n, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'attendance', attendance, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'disabled_served', disabled_served, n
              FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'volunteers', volunteers, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'cash', cash, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'goods_value', goods_value, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'category:' || category, n, n FROM grouped
    UNION ALL SELECT campaign_id, organisation_id, 'mode:' || mode, n, n FROM grouped
    UNION ALL
    SELECT r.campaign_id, r.organisation_id, 'indicator:' || CAST(v.indicator_id AS TEXT),
           SUM(v.value), COUNT(*)
    FROM {values} v JOIN accepted r ON r.id = v.report_id
    GROUP BY r.campaign_id, r.organisation_id, v.indicator_id
    UNION ALL
    SELECT r.campaign_id, r.organisation_id,
           CASE WHEN v.kind = 'household' THEN 'visit:household' ELSE 'visit:' || i.kind END,
           COUNT(*), COUNT(*)
    FROM {visits} v JOIN accepted r ON r.id = v.report_id
    LEFT JOIN {institutions} i ON i.id = v.institution_id
    GROUP BY r.campaign_id, r.organisation_id,
             CASE WHEN v.kind = 'household' THEN 'visit:household' ELSE 'visit:' || i.kind END
    UNION ALL
    SELECT r.campaign_id, r.organisation_id, 'households', SUM(v.households), COUNT(*)
    FROM {visits} v JOIN accepted r ON r.id = v.report_id
    WHERE v.kind = 'household'
    GROUP BY r.campaign_id, r.organisation_id
),
campaign_up(campaign_id, ancestor_id) AS (
    SELECT id, id FROM scoped
    UNION ALL
    SELECT u.campaign_id, c.parent_id FROM campaign_up u
    JOIN {campaigns} c ON c.id = u.ancestor_id
    WHERE c.parent_id IN (SELECT id FROM scoped)
),
org_up(organisation_id, ancestor_id) AS (
    SELECT id, id FROM {orgs} WHERE id IN (SELECT organisation_id FROM grouped)
    UNION ALL
    SELECT u.organisation_id, o.parent_id FROM org_up u
    JOIN {orgs} o ON o.id = u.ancestor_id
    WHERE o.parent_id IS NOT NULL
)
INSERT INTO {cells} (campaign_id, organisation_id, metric, value, count, updated_at)
SELECT cu.ancestor_id, ou.ancestor_id, b.metric, SUM(b.value), SUM(b.n), %s
FROM base b
JOIN campaign_up cu ON cu.campaign_id = b.campaign_id
JOIN {campaigns} k ON k.id = cu.ancestor_id
JOIN {orgs} issuer ON issuer.id = k.issuing_org_id
JOIN org_up ou ON ou.organisation_id = b.organisation_id
JOIN {orgs} a ON a.id = ou.ancestor_id
WHERE substr(a.path, 1, length(issuer.path)) = issuer.path
GROUP BY cu.ancestor_id, ou.ancestor_id, b.metric
"""


@transaction.atomic
def rebuild_cells(*, by: Any, campaign: Campaign | None = None) -> int:
    """Recompute the cells from the accepted reports: all of them, or those of ``campaign`` and
    the campaigns cascaded from it (the cells of campaigns above it are left as they are).
    Returns the number of cells written; records one audit entry."""
    tables = _tables()
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # One big hash aggregate: give it room rather than spill to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        if campaign is None:
            # TRUNCATE is much faster than DELETE for millions of cells, but PostgreSQL refuses
            # it while an enclosing transaction has deferred foreign-key checks pending.
            if vendor == "postgresql" and len(connection.atomic_blocks) == 1:
                cursor.execute(f"TRUNCATE {tables['cells']}")
            else:
                cursor.execute(f"DELETE FROM {tables['cells']}")  # noqa: S608
            scope_root, params = "parent_id IS NULL", []
        else:
            scope_root, params = "id = %s", [campaign.pk]
            cursor.execute(
                f"""
                WITH RECURSIVE scoped(id) AS (
                    SELECT id FROM {tables["campaigns"]} WHERE id = %s
                    UNION ALL
                    SELECT c.id FROM {tables["campaigns"]} c JOIN scoped s ON c.parent_id = s.id
                )
                DELETE FROM {tables["cells"]} WHERE campaign_id IN (SELECT id FROM scoped)
                """,  # noqa: S608
                [campaign.pk],
            )
        sql = REBUILD_SQL.format(scope_root=scope_root, **tables)
        cursor.execute(sql, [*params, timezone.now()])
        written = cursor.rowcount
    audit.record(
        by=by,
        action="stats.cells.rebuilt",
        target=campaign,
        changes={"cells": written, "campaign": campaign.pk if campaign else "all"},
    )
    return int(written)
