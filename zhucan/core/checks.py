"""``manage.py check --deploy``: warn when the application could empty or rewrite the audit log.

The triggers on the audit tables (the entries and the seals of their chain) stop the
application's SQL, but their owner (and any superuser) may switch them off. The deployment runs
migrations as the owner and the application as a role with only SELECT and INSERT on these
tables (docs/database-roles.sql); this check notices when the application connects as something
stronger.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connection

AUDIT_TABLE = "core_auditentry"
SEAL_TABLE = "core_auditseal"


def audit_table_powers(table: str = AUDIT_TABLE) -> list[str]:
    """What the current database role could do to an audit table beyond reading and
    appending: "owner", "superuser", and any of "UPDATE", "DELETE", "TRUNCATE"."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(c.relowner) = current_user, r.rolsuper, "
            "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "has_table_privilege(c.oid, 'TRUNCATE') "
            "FROM pg_class c, pg_roles r "
            "WHERE c.oid = to_regclass(%s) AND r.rolname = current_user",
            [table],
        )
        row = cursor.fetchone()
    if row is None:  # not migrated yet
        return []
    names = ["owner", "superuser", "UPDATE", "DELETE", "TRUNCATE"]
    return [name for name, held in zip(names, row, strict=True) if held]


@register(Tags.security, deploy=True)
def check_audit_table_role(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        powers = {table: audit_table_powers(table) for table in (AUDIT_TABLE, SEAL_TABLE)}
    except DatabaseError:  # no database to ask (yet): nothing to say
        return []
    held = [f"{', '.join(names)} on {table}" for table, names in powers.items() if names]
    if not held:
        return []
    return [
        CheckWarning(
            "The application's database role can change or empty the audit log "
            f"({'; '.join(held)}).",
            hint=(
                "Run migrations as the owner role and the application as a role with only "
                "SELECT and INSERT on the audit tables: see docs/database-roles.sql."
            ),
            id="zhucan.W001",
        )
    ]
