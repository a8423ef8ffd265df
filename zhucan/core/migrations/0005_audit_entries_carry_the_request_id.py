"""Audit entries keep the id of the request (or background task) that wrote them.

On PostgreSQL the column is added with its empty default in the catalogue (no row is
rewritten, so the append-only trigger never fires); existing entries read as empty.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_form_submissions_make_creates_idempotent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="request_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="request id"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["request_id"], name="core_audit_request_id"),
        ),
    ]
