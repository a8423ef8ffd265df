"""Copy each recipient's first report submission onto its receipt (Receipt.first_report_at)."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def fill(apps, schema_editor):
    Receipt = apps.get_model("campaigns", "Receipt")
    ActivityReport = apps.get_model("activities", "ActivityReport")
    first = (
        ActivityReport.objects.filter(
            campaign_id=OuterRef("campaign_id"),
            organisation_id=OuterRef("organisation_id"),
            first_submitted_at__isnull=False,
        )
        .order_by()
        .values("organisation_id")
        .annotate(first=Min("first_submitted_at"))
        .values("first")
    )
    Receipt.objects.update(first_report_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_receipt_first_plan_and_report"),
        ("activities", "0003_media_screenshots_and_import_jobs"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
