"""Keep the birth year instead of the birth date and birthplace code; shorter masks.

The birth date and birthplace code in clear, with the old ID mask (first 3 and last 4), gave
back every 18-character number of a dump. Existing rows get their birth year from the birth
date, and masks recut from the old ones (no key needed: the new masks show less): the ID
number's first 3 characters only, a phone's last 2 digits. Then the clear columns go.
One way for data: the dropped dates cannot come back without decrypting every row.
"""

from django.db import migrations, models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat, ExtractYear, Left, Length, Repeat, Right


def _phone_mask(field: str) -> Case:
    # Old: 139****5678 (first 3, last 4 for more than 7 digits, all stars otherwise).
    return Case(
        When(
            **{f"{field}__regex": r"^.{5,}$"},
            then=Concat(Repeat(Value("*"), Length(field) - 2), Right(field, 2)),
        ),
        default=F(field),
        output_field=models.CharField(),
    )


def birth_year_and_shorter_masks(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Person.objects.update(
        birth_year=ExtractYear("birth_date"),
        id_masked=Concat(Left("id_masked", 3), Value("*" * 15)),
        phone_masked=_phone_mask("phone_masked"),
        guardian_phone_masked=_phone_mask("guardian_phone_masked"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_registry_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="birth year"),
        ),
        # Backwards only for an empty register (tests): the dates cannot come back without keys.
        migrations.RunPython(birth_year_and_shorter_masks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(verbose_name="birth year"),
        ),
        migrations.RemoveIndex(model_name="person", name="person_birth_date"),
        migrations.RemoveField(model_name="person", name="birth_date"),
        migrations.RemoveField(model_name="person", name="birthplace_code"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["birth_year"], name="person_birth_year"),
        ),
    ]
