from django.db import migrations


def load(apps, schema_editor):
    from zhucan.orgs.regions import gbt2260_codes, iter_regions

    region_model = apps.get_model("orgs", "Region")
    codes = gbt2260_codes()
    existing = set(region_model.objects.values_list("code", flat=True))
    order = {"province": 0, "city": 1, "county": 2}
    rows = []
    for r in iter_regions():
        if r.code in existing:
            continue
        parent = r.parent_code if r.parent_code in codes else None
        if parent is None and r.level == "county" and r.code[:2] + "0000" in codes:
            parent = r.code[:2] + "0000"
        rows.append(
            region_model(
                code=r.code, name=r.name, level=r.level, is_current=r.is_current, parent_id=parent
            )
        )
    rows.sort(key=lambda region: order[region.level])
    region_model.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
