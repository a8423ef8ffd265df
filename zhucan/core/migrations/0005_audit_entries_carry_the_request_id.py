"""Audit entries keep the id of the request (or background task) that wrote them.

On PostgreSQL the column is added with its empty default in the catalogue (no row is
rewritten, so the append-only trigger never fires); existing entries read as empty.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_form_submissions_make_creates_idempotent"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="request_id",
            field=models.CharField(
                blank=True, db_index=True, max_length=64, verbose_name="request id"
            ),
        ),
    ]
