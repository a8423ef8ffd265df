"""``manage.py check --deploy``: warn when the application could empty or rewrite the audit log.

The triggers on the audit table stop the application's SQL, but its owner (and any superuser)
may switch them off. The deployment runs migrations as the owner and the application as a
role with only SELECT and INSERT on the table (docs/database-roles.sql); this check notices
when the application connects as something stronger.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connection

AUDIT_TABLE = "core_auditentry"


def audit_table_powers() -> list[str]:
    """What the current database role could do to the audit table beyond reading and
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
            [AUDIT_TABLE],
        )
        row = cursor.fetchone()
    if row is None:  # not migrated yet
        return []
    names = ["owner", "superuser", "UPDATE", "DELETE", "TRUNCATE"]
    return [name for name, held in zip(names, row, strict=True) if held]


@register(Tags.security, deploy=True)
def check_audit_table_role(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        powers = audit_table_powers()
    except DatabaseError:  # no database to ask (yet): nothing to say
        return []
    if not powers:
        return []
    return [
        CheckWarning(
            "The application's database role can change or empty the audit log "
            f"({', '.join(powers)} on {AUDIT_TABLE}).",
            hint=(
                "Run migrations as the owner role and the application as a role with only "
                "SELECT and INSERT on the audit table: see docs/database-roles.sql."
            ),
            id="zhucan.W001",
        )
    ]
