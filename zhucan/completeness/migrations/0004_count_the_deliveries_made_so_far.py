"""The page reads the delivery counts from now on: count what was delivered before they were
kept (as ``rebuild_completeness`` does), so that no campaign under way shows nothing."""

from django.db import migrations


def count(apps, schema_editor):
    from zhucan.completeness.counts import computed_counts, write_counts

    counts = computed_counts(
        apps.get_model("campaigns", "Campaign"), apps.get_model("campaigns", "Receipt")
    )
    write_counts(counts, apps.get_model("completeness", "DeliveryCount"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_receipt_first_plan_and_report"),
        ("completeness", "0003_delivery_counts_kept_as_delivered"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
