"""The statistics issue's story on the demo data: the city officer opens the dashboard, drills
down to one county and one report, exports the statistical report, edits the summary's overview
and downloads the summary as .docx and PDF."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified

YEXIAN = "叶县人民政府残疾人工作委员会"


def test_the_statistics_demo_story(client: Client, db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(notice__doc_number__contains="2号")
    yexian = Organisation.objects.get(name=YEXIAN)
    login_verified(client, User.objects.get(username="city_officer"))

    # The dashboard, from the menu's entry point.
    home = client.get(reverse("stats:home"))
    assert home.status_code == 302
    board = client.get(reverse("stats:dashboard", kwargs={"campaign_pk": campaign.pk}))
    assert board.status_code == 200
    county_url = reverse("stats:node", kwargs={"campaign_pk": campaign.pk, "org_pk": yexian.pk})
    assert county_url in board.content.decode()

    # Down to the county, then its reports, then one report.
    county = client.get(county_url)
    assert county.status_code == 200
    reports_url = reverse("stats:reports", kwargs={"campaign_pk": campaign.pk, "org_pk": yexian.pk})
    listing = client.get(reports_url)
    assert listing.status_code == 200
    found = re.search(r'href="(/activities/(\d+)/)"', listing.content.decode())
    assert found, "the county's accepted reports are listed with links"
    report = client.get(found.group(1))
    assert report.status_code == 200

    # The statistical report, in its fixed layout, with 叶县 in it.
    xlsx = client.get(reverse("stats:statistical_report", kwargs={"campaign_pk": campaign.pk}))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active  # streamed or not
    assert sheet is not None
    names = [row[0].value for row in sheet.iter_rows()]
    assert any("统计表" in str(v) for v in names if v)
    assert any(v and "叶县" in str(v) for v in names)

    # The summary: edit the overview, then download both documents.
    summary_url = reverse("summaries:summary", kwargs={"campaign_pk": campaign.pk})
    page = client.get(summary_url)
    assert page.status_code == 200
    drawn = re.search(r'name="version" value="(\d+)"', page.content.decode())
    assert drawn, "the summary form carries its version"
    version = drawn.group(1)
    overview = "市残工委统筹安排，各成员单位分工协作，线上线下相结合开展助残日活动。"
    saved = client.post(
        summary_url, {"version": version, "overview": overview, "closing": "特此报告。"}
    )
    assert saved.status_code == 302

    docx = client.get(reverse("summaries:docx", kwargs={"campaign_pk": campaign.pk}))
    assert docx.status_code == 200
    content = docx.getvalue()
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert overview in text and "叶县" in text

    pdf = client.get(reverse("summaries:pdf", kwargs={"campaign_pk": campaign.pk}))
    assert pdf.status_code == 200
    body = pdf.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.pdf"
        path.write_bytes(body)
        extracted = subprocess.run(  # noqa: S603 - a fixed command on our own file
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    assert "活动总结" in extracted or "总结" in extracted
    assert "线上线下相结合" in extracted.replace(" ", "")
