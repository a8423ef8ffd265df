"""A campaign's chain: the campaign and every campaign above it that cascaded to it.

The statistics and the completeness counts both keep a figure at every campaign of the chain,
each up to its issuer; both read the chain here.
"""

from __future__ import annotations

from django.db import connection

from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation


def campaign_chain(campaign_id: int) -> list[tuple[int, str]]:
    """The campaign and every campaign above it, each with its issuer's path. One query."""
    campaigns = connection.ops.quote_name(Campaign._meta.db_table)
    orgs = connection.ops.quote_name(Organisation._meta.db_table)
    sql = f"""
        WITH RECURSIVE chain(id, parent_id, hops) AS (
            SELECT id, parent_id, 0 FROM {campaigns} WHERE id = %s
            UNION ALL
            SELECT c.id, c.parent_id, chain.hops + 1
            FROM {campaigns} c JOIN chain ON c.id = chain.parent_id
            WHERE chain.hops < 10
        )
        SELECT chain.id, o.path FROM chain
        JOIN {campaigns} c ON c.id = chain.id
        JOIN {orgs} o ON o.id = c.issuing_org_id
        ORDER BY chain.hops
    """  # noqa: S608 - table names from the models, the id a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id])
        return [(int(pk), str(path)) for pk, path in cursor.fetchall()]
