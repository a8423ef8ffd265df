"""Organisations get ``sort_path``, the order people expect (counties by GB/T 2260 code, then the
committee's members in the notices' order), computed here for every existing organisation, and
``member_position``, a committee's own place for a member (empty for all existing ones)."""

from django.db import migrations, models


def fill_sort_paths(apps, schema_editor):
    # The live function on the historical rows: it reads plain fields only (pk, kind,
    # department, region_id), so the order stored now is the order new rows will get.
    from zhucan.orgs.ordering import segment

    Organisation = apps.get_model("orgs", "Organisation")
    by_pk = {}
    changed = []
    for org in Organisation.objects.order_by("depth", "pk").only(
        "pk", "kind", "department", "region", "parent", "member_position"
    ):
        parent = by_pk.get(org.parent_id)
        org.sort_path = (parent.sort_path if parent else "") + segment(
            pk=org.pk,
            kind=org.kind,
            department=org.department,
            region_code=org.region_id,
            parent_region_code=parent.region_id if parent else None,
            member_position=org.member_position,
        )
        by_pk[org.pk] = org
        changed.append(org)
    Organisation.objects.bulk_update(changed, ["sort_path"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_organisation_depth_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="sort_path",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="organisation",
            name="member_position",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="place in the committee's member list"
            ),
        ),
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["sort_path", "pk"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.RunPython(fill_sort_paths, migrations.RunPython.noop),
    ]
