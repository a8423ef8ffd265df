"""Copy each recipient's first plan submission onto its receipt (see Receipt.first_plan_at)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Receipt = apps.get_model("campaigns", "Receipt")
    Plan = apps.get_model("plans", "Plan")
    first = Plan.objects.filter(
        campaign_id=OuterRef("campaign_id"),
        organisation_id=OuterRef("organisation_id"),
        first_submitted_at__isnull=False,
    ).values("first_submitted_at")[:1]
    Receipt.objects.update(first_plan_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_receipt_first_plan_and_report"),
        ("plans", "0002_plan_first_submitted_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
