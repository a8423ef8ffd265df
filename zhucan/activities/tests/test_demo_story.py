"""The issue's story on the demo data: 叶县's reporter files a visit report from a phone with a
photo and a figure; the connection drops and the phone sends it again, and it counts once; the
city's reviewer accepts it and 叶县's officer puts it forward as typical; the city takes it,
sees it in its list of typical activities, and 叶县's figures go up."""

from __future__ import annotations

import io
import uuid
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, Photo, TypicalActivity
from zhucan.activities.totals import indicator_totals
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.testing.auth import login_verified

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

YEXIAN = "叶县人民政府残疾人工作委员会"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_demo_story(client: Client, db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(notice__doc_number__contains="2号")
    yexian = Receipt.objects.get(campaign=campaign, organisation__name=YEXIAN).organisation
    households = Indicator.objects.get(campaign=None, code="households_visited")
    city = User.objects.get(username="city_officer")
    before = indicator_totals(city, campaign, node=campaign.issuing_org)
    yexian_before = next(line for line in before.lines if line.name == YEXIAN)

    login_verified(client, User.objects.get(username="yexian_reporter"))
    quick = reverse("activities:quick")
    assert client.get(quick).status_code == 200
    client_id = str(uuid.uuid4())

    def send() -> TestResponse:
        return client.post(
            quick,
            {
                "pair": f"{campaign.pk}:{yexian.pk}",
                "category": "visit",
                "title": "走访慰问叶县困难残疾人家庭",
                "date": "2020-05-17",
                "mode": "in_person",
                "attendance": "12",
                "disabled_served": "9",
                "cash": "1800.00",
                "households": "9",
                "description": "分组入户慰问。",
                "photo": jpeg(),
                "caption": "入户慰问",
                "nobody_recognisable": "on",
                "client_id": client_id,
            },
            HTTP_X_REQUESTED_WITH="fetch",
        )

    first = send()
    again = send()  # the answer to the first was lost with the connection: the phone resends
    assert first.status_code == again.status_code == 200
    report = ActivityReport.objects.get(client_id=client_id)
    assert ActivityReport.objects.filter(title="走访慰问叶县困难残疾人家庭").count() == 1
    assert report.status == ActivityReport.Status.SUBMITTED
    assert Photo.objects.filter(report=report).count() == 1

    # 叶县's own report: the city's reviewer decides on it, not 叶县 itself.
    login_verified(client, User.objects.get(username="city_reviewer"))
    client.post(
        reverse("activities:review", kwargs={"report_pk": report.pk}),
        {"decision": "accept", "version": ActivityReport.objects.get(pk=report.pk).version},
    )
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.ACCEPTED
    login_verified(client, User.objects.get(username="yexian_officer"))
    client.post(
        reverse("activities:propose_typical", kwargs={"report_pk": report.pk}),
        {"account": "县残工委分组入户，慰问困难残疾人家庭九户。"},
    )
    typical = TypicalActivity.objects.get(report=report)

    login_verified(client, city)
    client.post(
        reverse("activities:decide_typical", kwargs={"typical_pk": typical.pk}),
        {"decision": "accept"},
    )
    listing = client.get(reverse("activities:typical")).content.decode()
    assert "走访慰问叶县困难残疾人家庭" in listing
    after = indicator_totals(city, campaign, node=campaign.issuing_org)
    yexian_after = next(line for line in after.lines if line.name == YEXIAN)
    pk = households.pk
    assert yexian_after.values[pk] == yexian_before.values.get(pk, 0) + 9
    assert yexian_after.reports == yexian_before.reports + 1
