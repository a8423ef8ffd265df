"""An optional check of the requester's phone by a text message code, per organisation
(off by default), and the codes' hashed records."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helprequests", "0002_request_token_client_index_assistance_and_reminders"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhoneCheck",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("phone_index", models.CharField(db_index=True, editable=False, max_length=64)),
                ("code_hash", models.CharField(editable=False, max_length=64)),
                ("tries", models.PositiveSmallIntegerField(default=0)),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name="helpsettings",
            name="verify_by_sms",
            field=models.BooleanField(
                default=False,
                verbose_name="check the phone by a text message code before a request is made",
            ),
        ),
    ]
