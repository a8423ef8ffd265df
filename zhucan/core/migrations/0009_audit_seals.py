"""The audit chain's seals (core/seals.py), append-only like the entries they seal.

On PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE of the seals, as 0002 and 0003 do for
the entries; the application's role may only SELECT and INSERT them (docs/database-roles.sql).
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION zhucan_audit_seal_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit seals are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditseal_append_only
  BEFORE UPDATE OR DELETE ON core_auditseal
  FOR EACH ROW EXECUTE FUNCTION zhucan_audit_seal_append_only();
CREATE TRIGGER core_auditseal_no_truncate
  BEFORE TRUNCATE ON core_auditseal
  FOR EACH STATEMENT EXECUTE FUNCTION zhucan_audit_seal_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditseal_no_truncate ON core_auditseal;
DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal;
DROP FUNCTION IF EXISTS zhucan_audit_seal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_holiday_calendar_2026")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_id", models.BigIntegerField(unique=True)),
                ("last_id", models.BigIntegerField(unique=True)),
                ("entries", models.PositiveIntegerField()),
                ("previous_hash", models.CharField(max_length=64, unique=True)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last_id__gte", models.F("first_id"))),
                        name="audit_seal_range_not_empty",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
