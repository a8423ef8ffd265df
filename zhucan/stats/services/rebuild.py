"""Rebuilding the roll-up cells from the accepted reports, with set-based SQL.

One ``INSERT … SELECT`` computes every cell at once: the accepted reports are first summed per
(campaign, organisation, metric) in a single pass over each raw table, and only those sums are
then spread to the campaigns above (a recursive walk of ``parent_id``) and the organisations above
(a recursive walk of the tree, kept inside each campaign's issuer's subtree, as the incremental
path does). The same SQL runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from zhucan.activities.figures import FIGURES, NAME, Figure
from zhucan.activities.models import (
    ActivityReport,
    IndicatorValue,
    Institution,
    Visit,
)
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.orgs.models import Organisation
from zhucan.stats.models import Cell, CellVersion

logger = logging.getLogger(__name__)


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
        "receipts": q(Receipt._meta.db_table),
        "versions": q(CellVersion._meta.db_table),
    }


# Names the rebuild's own tables use for other columns: a figure cannot take them.
RESERVED = frozenset({"campaign_id", "organisation_id", "category", "mode", "n", "metric", "value"})


def figure_sql(figures: tuple[Figure, ...] = FIGURES) -> dict[str, str]:
    """The rebuild's SQL for the report's fixed figures (``activities.figures``), as
    ``metrics.contribution`` counts them: each figure summed per group and, for one that may
    be unknown, how many reports gave it (``figure_sums``); then a metric row per figure, with
    the groups' report count, or only the reports that gave it (``figure_metrics``).

    The names come from the definition, which takes only lowercase identifiers (so a name
    can be written as the metric's literal); the columns are quoted as well."""
    q = connection.ops.quote_name
    sums, rows = [], []
    for figure in figures:
        name = figure.name
        if not NAME.match(name) or name in RESERVED or name.endswith("_n"):
            raise ValueError(f"Not a name the rebuild can use for a figure: {name!r}")
        total = q(name)
        # The name checked above, as the metric's literal; the columns quoted.
        select = f"UNION ALL SELECT campaign_id, organisation_id, '{name}', {total}"
        if figure.may_be_unknown:
            given = q(f"{name}_n")
            sums.append(f"SUM({total}) AS {total}, COUNT({total}) AS {given}")
            rows.append(f"{select}, {given} FROM rb_grouped WHERE {given} > 0")  # noqa: S608
        else:
            sums.append(f"SUM({total}) AS {total}")
            rows.append(f"{select}, n FROM rb_grouped")  # noqa: S608
    return {
        "figure_sums": ",\n           ".join(sums),
        "figure_metrics": "\n        ".join(rows),
    }


# The rebuild in stages, each a temporary table, so that every step is one hash aggregate over
# a few million rows at most, and PostgreSQL plans each join with real statistics (it cannot
# estimate recursive CTEs, and one query joining both trees at once ran for over ten minutes on
# the national tree):
#   1. the campaigns in scope;
#   2. the accepted reports' figures per (campaign, organisation, metric): one pass over the
#      reports, the indicator values and the visits; and the recipients' deliveries (receipts);
#   3. those sums spread to every organisation above (grouped again);
#   4. then to every campaign above, inside that campaign's issuer's subtree, into the cells.
REBUILD_STEPS = (
    """
    CREATE TEMPORARY TABLE rb_scope AS
    WITH RECURSIVE scoped(id) AS (
        SELECT id FROM {campaigns} WHERE {scope_root}
        UNION ALL
        SELECT c.id FROM {campaigns} c JOIN scoped s ON c.parent_id = s.id
    )
    SELECT id FROM scoped
    """,
    """
    CREATE TEMPORARY TABLE rb_grouped AS
    SELECT campaign_id, organisation_id, category, mode, COUNT(*) AS n,
           {figure_sums}
    FROM {reports}
    WHERE status = 'accepted' AND campaign_id IN (SELECT id FROM rb_scope)
    GROUP BY campaign_id, organisation_id, category, mode
    """,
    """
    CREATE TEMPORARY TABLE rb_leaf AS
    SELECT campaign_id, organisation_id, metric, SUM(value) AS value, SUM(n) AS n FROM (
        SELECT campaign_id, organisation_id, 'reports' AS metric, n AS value, n FROM rb_grouped
        {figure_metrics}
        UNION ALL SELECT campaign_id, organisation_id, 'category:' || category, n, n
                  FROM rb_grouped
        UNION ALL SELECT campaign_id, organisation_id, 'mode:' || mode, n, n FROM rb_grouped
        UNION ALL
        SELECT r.campaign_id, r.organisation_id, 'indicator:' || CAST(v.indicator_id AS TEXT),
               SUM(v.value), COUNT(*)
        FROM {values} v JOIN {reports} r ON r.id = v.report_id
        WHERE r.status = 'accepted' AND r.campaign_id IN (SELECT id FROM rb_scope)
        GROUP BY r.campaign_id, r.organisation_id, v.indicator_id
        UNION ALL
        SELECT r.campaign_id, r.organisation_id,
               CASE WHEN v.kind = 'household' THEN 'visit:household' ELSE 'visit:' || i.kind END,
               COUNT(*), COUNT(*)
        FROM {visits} v JOIN {reports} r ON r.id = v.report_id
        LEFT JOIN {institutions} i ON i.id = v.institution_id
        WHERE r.status = 'accepted' AND r.campaign_id IN (SELECT id FROM rb_scope)
        GROUP BY r.campaign_id, r.organisation_id,
                 CASE WHEN v.kind = 'household' THEN 'visit:household' ELSE 'visit:' || i.kind END
        UNION ALL
        SELECT r.campaign_id, r.organisation_id, 'households', SUM(v.households), COUNT(*)
        FROM {visits} v JOIN {reports} r ON r.id = v.report_id
        WHERE v.kind = 'household' AND r.status = 'accepted'
          AND r.campaign_id IN (SELECT id FROM rb_scope)
        GROUP BY r.campaign_id, r.organisation_id
        UNION ALL
        SELECT campaign_id, organisation_id, 'recipients', COUNT(*), COUNT(*)
        FROM {receipts} WHERE campaign_id IN (SELECT id FROM rb_scope)
        GROUP BY campaign_id, organisation_id
        UNION ALL
        SELECT campaign_id, organisation_id, 'delivered:receipt', COUNT(*), COUNT(*)
        FROM {receipts} WHERE campaign_id IN (SELECT id FROM rb_scope) AND signed_at IS NOT NULL
        GROUP BY campaign_id, organisation_id
        UNION ALL
        SELECT campaign_id, organisation_id, 'delivered:plan', COUNT(*), COUNT(*)
        FROM {receipts}
        WHERE campaign_id IN (SELECT id FROM rb_scope) AND first_plan_at IS NOT NULL
        GROUP BY campaign_id, organisation_id
        UNION ALL
        SELECT campaign_id, organisation_id, 'delivered:report', COUNT(*), COUNT(*)
        FROM {receipts}
        WHERE campaign_id IN (SELECT id FROM rb_scope) AND first_report_at IS NOT NULL
        GROUP BY campaign_id, organisation_id
    ) AS base
    GROUP BY campaign_id, organisation_id, metric
    """,
    """
    CREATE TEMPORARY TABLE rb_org_up AS
    WITH RECURSIVE org_up(organisation_id, ancestor_id) AS (
        SELECT id, id FROM {orgs} WHERE id IN (SELECT DISTINCT organisation_id FROM rb_leaf)
        UNION ALL
        SELECT u.organisation_id, o.parent_id FROM org_up u
        JOIN {orgs} o ON o.id = u.ancestor_id
        WHERE o.parent_id IS NOT NULL
    )
    SELECT u.organisation_id, u.ancestor_id, a.path AS ancestor_path
    FROM org_up u JOIN {orgs} a ON a.id = u.ancestor_id
    """,
    """
    CREATE TEMPORARY TABLE rb_campaign_up AS
    WITH RECURSIVE campaign_up(campaign_id, ancestor_id) AS (
        SELECT id, id FROM rb_scope
        UNION ALL
        SELECT u.campaign_id, c.parent_id FROM campaign_up u
        JOIN {campaigns} c ON c.id = u.ancestor_id
        WHERE c.parent_id IN (SELECT id FROM rb_scope)
    )
    SELECT u.campaign_id, u.ancestor_id, issuer.path AS issuer_path
    FROM campaign_up u
    JOIN {campaigns} k ON k.id = u.ancestor_id
    JOIN {orgs} issuer ON issuer.id = k.issuing_org_id
    """,
    """
    CREATE TEMPORARY TABLE rb_org_cells AS
    SELECT l.campaign_id, u.ancestor_id AS organisation_id, u.ancestor_path, l.metric,
           SUM(l.value) AS value, SUM(l.n) AS n
    FROM rb_leaf l JOIN rb_org_up u ON u.organisation_id = l.organisation_id
    GROUP BY l.campaign_id, u.ancestor_id, u.ancestor_path, l.metric
    """,
    """
    INSERT INTO {cells} (campaign_id, organisation_id, metric, value, count, updated_at)
    SELECT cu.ancestor_id, o.organisation_id, o.metric, SUM(o.value), SUM(o.n), %s
    FROM rb_org_cells o
    JOIN rb_campaign_up cu ON cu.campaign_id = o.campaign_id
    WHERE substr(o.ancestor_path, 1, length(cu.issuer_path)) = cu.issuer_path
    GROUP BY cu.ancestor_id, o.organisation_id, o.metric
    """,
)
# Every (campaign, organisation) of the scope has new cells: one more version each, so that no
# dashboard cached before the rebuild is served after it (pairs left without cells too).
BUMP_VERSIONS = (
    """
    UPDATE {versions} SET version = version + 1 WHERE campaign_id IN (SELECT id FROM rb_scope)
    """,
    """
    INSERT INTO {versions} (campaign_id, organisation_id, version)
    SELECT DISTINCT campaign_id, organisation_id, 1 FROM {cells}
    WHERE campaign_id IN (SELECT id FROM rb_scope)
    ON CONFLICT (campaign_id, organisation_id) DO NOTHING
    """,
)
TEMPORARY = ("rb_scope", "rb_grouped", "rb_leaf", "rb_org_up", "rb_campaign_up", "rb_org_cells")


@transaction.atomic
def rebuild_cells(*, by: Actor | None, campaign: Campaign | None = None) -> int:
    """Recompute the cells from the accepted reports: all of them, or those of ``campaign`` and
    the campaigns cascaded from it (the cells of campaigns above it are left as they are).
    Returns the number of cells written; records one audit entry."""
    tables, figures = _tables(), figure_sql()
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
        for table in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        for number, step in enumerate(REBUILD_STEPS, start=1):
            began = time.perf_counter()
            sql = step.format(scope_root=scope_root, **tables, **figures)
            if sql.lstrip().startswith("INSERT"):
                cursor.execute(sql, [timezone.now()])
                written = cursor.rowcount
            else:
                cursor.execute(sql, params if "{scope_root}" in step else [])
                if vendor == "postgresql":
                    # Temporary tables get no statistics unless asked: the next join needs them.
                    cursor.execute(f"ANALYZE {sql.split()[3]}")
            logger.info("rebuild step %d took %.1f s", number, time.perf_counter() - began)
        for step in BUMP_VERSIONS:
            cursor.execute(step.format(**tables))
        for table in TEMPORARY:
            cursor.execute(f"DROP TABLE {table}")
    audit.record(
        by=by,
        action="stats.cells.rebuilt",
        target=campaign,
        changes={"cells": written, "campaign": campaign.pk if campaign else "all"},
    )
    return int(written)
