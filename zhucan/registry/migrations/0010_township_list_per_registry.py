"""A township list per registry organisation, started from the names its people already have.

Every distinct township name of an organisation's people becomes a listed township, so that the
list matches the register as it stands; a county then merges the misspelt ones on its township
page (renaming one to another's name), which renames their people too.
"""

import django.db.models.deletion
from django.db import migrations, models


def list_existing_names(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Township = apps.get_model("registry", "Township")
    pairs = list(
        Person.objects.exclude(township="")
        .values_list("organisation_id", "township")
        .distinct()
        .order_by("organisation_id", "township")
    )
    # A name typed with a space around it is the same place: its people take the listed name.
    for org, name in pairs:
        if name != name.strip()[:60]:
            Person.objects.filter(organisation_id=org, township=name).update(
                township=name.strip()[:60]
            )
    Township.objects.bulk_create(
        [
            Township(organisation_id=org, name=name.strip()[:60])
            for org, name in pairs
            if name.strip()
        ],
        ignore_conflicts=True,
    )


def forget_lists(apps, schema_editor):
    apps.get_model("registry", "Township").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_organisation_depth_index"),
        ("registry", "0009_relink_assistance_unlinked_by_report_edits"),
    ]

    operations = [
        migrations.CreateModel(
            name="Township",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="township or street")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registry_townships",
                        to="orgs.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "township",
                "verbose_name_plural": "townships",
                "ordering": ["organisation", "name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "name"), name="township_once_per_org"
                    )
                ],
            },
        ),
        migrations.RunPython(list_existing_names, forget_lists),
    ]
