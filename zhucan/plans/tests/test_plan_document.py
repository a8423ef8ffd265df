"""The plan as a 实施方案 .docx (opened and read back), and the authors' own uploaded .docx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.plans.documents import chinese_number
from zhucan.plans.models import Plan
from zhucan.plans.tests.conftest import plan_form
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_plan


def _east_asia_font(paragraph: Paragraph) -> str:
    properties = paragraph.runs[0]._element.rPr
    assert properties is not None, paragraph.text
    font: str = properties.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    return font


def test_the_generated_plan_reads_like_a_plan(
    client: Client, world: World, campaign: Campaign
) -> None:
    make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[
            {
                "title": "走访慰问",
                "category": "visit",
                "mode": "in_person",
                "expected_attendance": 30,
                "safety_measures": "佩戴口罩、测温",
                "place": "康复中心",
                "start_date": date(2020, 5, 12),
                "end_date": date(2020, 5, 17),
            },
            {"title": "线上宣传", "category": "publicity"},
        ],
    )
    plan = Plan.objects.get()
    login_verified(client, world.county_b_officer)
    assert client.get(reverse("plans:docx", kwargs={"plan_pk": plan.pk})).status_code == 404
    client.logout()
    login_verified(client, world.county_a_officer)
    response = client.get(reverse("plans:docx", kwargs={"plan_pk": plan.pk}))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [p for p in document.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == ("新华区人民政府残疾人工作委员会关于开展第三十次全国助残日活动的实施方案")
    assert _east_asia_font(title) == "方正小标宋简体"
    headings = [p for p in paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert [h.text for h in headings] == [
        "一、活动目标",
        "二、组织领导",
        "三、活动安排",
        "四、宣传安排",
        "五、保障措施",
    ]
    assert {_east_asia_font(h) for h in headings} == {"黑体"}
    body = next(p for p in paragraphs if p.text == "营造全社会扶残助残的良好氛围。")
    assert _east_asia_font(body) == "仿宋_GB2312"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "活动名称", "时间"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0][:7] == [
        "1",
        "走访慰问（慰问）",
        "5月12日至5月17日",
        "康复中心",
        "线下",
        "30",
        "张伟 2690909",
    ]
    assert rows[0][7] == "佩戴口罩、测温" and rows[1][4] == "线上" and rows[1][7] == "—"
    assert paragraphs[-2].text == world.county_a.name


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "一"),
        (10, "十"),
        (17, "十七"),
        (30, "三十"),
        (31, "三十一"),
        (105, "一百零五"),
        (115, "一百一十五"),
        (200, "二百"),
    ],
)
def test_editions_in_chinese_numerals(n: int, words: str) -> None:
    assert chinese_number(n) == words


def _real_docx() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("新华区第三十次全国助残日活动实施方案")
    document.save(buffer)
    return buffer.getvalue()


def test_upload_download_and_remove_the_authors_own_document(
    client: Client, world: World, campaign: Campaign
) -> None:
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    activity = plan.activities.get()
    login_verified(client, world.county_a_officer)
    edit = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    data = plan_form(plan, [{"id": activity.pk, "mode": "online"}])
    content = _real_docx()
    data["document"] = SimpleUploadedFile("../新华区实施方案.docx", content)
    assert client.post(edit, data).status_code == 302
    plan.refresh_from_db()
    assert plan.document_name == "新华区实施方案.docx"
    assert "新华区" not in plan.document.name  # stored under a random name
    download = client.get(reverse("plans:document", kwargs={"plan_pk": plan.pk}))
    assert isinstance(download, FileResponse), "the plan's document is sent as a file"
    assert download.getvalue() == content
    client.logout()
    login_verified(client, world.county_b_officer)
    assert client.get(reverse("plans:document", kwargs={"plan_pk": plan.pk})).status_code == 404
    client.logout()
    login_verified(client, world.county_a_officer)
    data = plan_form(plan, [{"id": activity.pk, "mode": "online"}], remove_document="on")
    assert client.post(edit, data).status_code == 302
    plan.refresh_from_db()
    assert not plan.document and plan.document_name == ""
    response = client.get(reverse("plans:document", kwargs={"plan_pk": plan.pk}))
    assert response.status_code == 302  # back to the plan, with a message
