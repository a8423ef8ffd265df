"""The holiday calendar: public holidays and the weekend days worked in their place (调休),
which the working days of deadlines follow (``core.workdays``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_rate_windows_shared_by_every_server"),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="date")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("holiday", "Public holiday"),
                            ("working", "Weekend day worked (调休)"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="For example: 国庆节", max_length=40, verbose_name="name"
                    ),
                ),
            ],
            options={
                "verbose_name": "holiday calendar day",
                "verbose_name_plural": "holiday calendar",
                "ordering": ["day"],
            },
        ),
    ]
