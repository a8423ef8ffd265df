from django.db import migrations


def load(apps, schema_editor):
    from zhucan.campaigns.calendar import STANDARD_KINDS

    kind_model = apps.get_model("campaigns", "CampaignKind")
    for name, rule, month, day, weekday, nth, first_year in STANDARD_KINDS:
        kind_model.objects.get_or_create(
            name=name,
            defaults={
                "date_rule": rule,
                "month": month,
                "day": day,
                "weekday": weekday,
                "nth": nth,
                "first_year": first_year,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
