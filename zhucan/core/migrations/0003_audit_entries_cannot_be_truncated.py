"""On PostgreSQL the database also refuses TRUNCATE of the audit entries.

TRUNCATE does not fire row triggers, so the append-only trigger of 0002 let one statement
empty the table (and so did TRUNCATE of the users table with CASCADE). A statement trigger
stops it. The database owner can still disable triggers: the deployment runs the
application under a role that does not own the table (docs/database-roles.sql).
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER core_auditentry_no_truncate
  BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION zhucan_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_entries_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
