"""Rate-limit windows counted in the database, so that every app server shares one count
(``core.ratelimit``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_entries_carry_the_request_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=120)),
                ("bucket", models.BigIntegerField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires_at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["expires_at"], name="core_rate_window_expires")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("key", "bucket"), name="rate_window_once_per_key"
                    )
                ],
            },
        ),
    ]
