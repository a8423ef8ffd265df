"""The generated summary: what the .docx and the PDF say, and that they look like documents."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.summaries.services import save_summary
from zhucan.summaries.tests.factories import city_campaign_with_work
from zhucan.testing.auth import login_verified

pytestmark = pytest.mark.django_db

HEADINGS = [
    "一、基本情况",
    "二、各项任务落实情况",
    "三、典型活动",
    "四、宣传报道情况",
    "五、工作完成情况",
]


def _docx(client: Client, campaign: Campaign, **query: str) -> DocxDocument:
    url = reverse("summaries:docx", args=[campaign.pk])
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def _paragraphs(document: DocxDocument) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def pdftotext(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own bytes on stdin
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_docx_has_the_sections_figures_and_the_typical_photo(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.city_officer)

    document = _docx(client, scene.campaign)

    text = _paragraphs(document)
    assert text[0] == "关于2020年全国助残日活动开展情况的总结"
    assert [t for t in text if t in HEADINGS] == HEADINGS
    whole = "\n".join(text)
    # Figures as sentences, not a dump.
    assert "全市共开展各类助残活动2场（其中线上活动1场）" in whole
    assert "走访慰问困难残疾人家庭26户" in whole
    assert "发放慰问金1.3万元" in whole
    assert "发放宣传资料500份" in whole
    assert "（一）各级民政部门落实情况" in whole
    assert "已开展并通过审核的活动1场" in whole
    assert "（一）新华区残工委：助残日走访慰问困难残疾人家庭" in whole
    assert "县领导带队入户走访" in whole
    assert "图1　走访慰问现场" in whole
    assert "其中电视1条" in whole
    assert "《新华区开展助残日走访慰问活动》，平顶山电视台，5月17日。" in whole
    assert whole.rstrip().endswith("日")  # the date under the signature
    assert "平顶山市人民政府残疾人工作委员会" in text[-2]
    # The typical activity's photo is in the document, as a real picture.
    assert len(document.inline_shapes) == 1
    images = [p for p in document.part.package.parts if p.partname.startswith("/word/media/")]
    assert len(images) == 1 and images[0].blob[:2] == b"\xff\xd8"
    # Completeness by unit: the one table.
    (table,) = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["单位", "签收通知", "报送活动方案", "报送活动情况"]
    assert ["新华区残工委", "0/1", "1/1", "1/1"] in rows
    assert rows[-1][0] == "合计"


def test_docx_uses_the_standard_chinese_fonts(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.city_officer)

    document = _docx(client, scene.campaign)

    def east_asia(paragraph: Paragraph) -> str:
        properties = paragraph.runs[0]._element.rPr
        assert properties is not None and properties.rFonts is not None, paragraph.text
        font: str = properties.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        return font

    by_text = {p.text: p for p in document.paragraphs if p.runs}
    assert east_asia(by_text["关于2020年全国助残日活动开展情况的总结"]) == "方正小标宋简体"
    assert east_asia(by_text["一、基本情况"]) == "黑体"
    assert east_asia(by_text["（一）各级民政部门落实情况"]) == "楷体_GB2312"
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None, "the page size is set"
    assert round(width.mm) == 210 and round(height.mm) == 297


def test_pdf_has_the_chinese_text_and_pages(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.city_officer)

    response = client.get(reverse("summaries:pdf", args=[scene.campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdftotext(pdf)
    flat = "".join(text.split())
    assert "关于2020年全国助残日活动开展情况的总结" in flat
    for heading in HEADINGS:
        assert heading in flat
    assert "走访慰问困难残疾人家庭26户" in flat
    assert "发放慰问金1.3万元" in flat
    assert "图1走访慰问现场" in flat
    assert "表1各单位工作完成情况" in flat
    pages = text.count("\f")
    assert pages >= 2, "a summary with a photo and a table runs over more than one page"
    assert "—1—" in text.replace(" ", "")  # page numbers in the 公文 style


def test_the_saved_words_are_printed_around_the_figures(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    duty_number = scene.campaign.duties.get().number
    save_summary(
        by=world.city_officer,
        campaign=scene.campaign,
        organisation=world.city,
        version=0,
        overview="市残工委召开专题会议部署助残日活动。",
        problems="个别单位报送不及时。",
        next_steps="建立定期调度机制。",
        closing="",
        duty_remarks={duty_number: "民政部门对特困残疾人实行兜底保障。"},
    )
    login_verified(client, world.city_officer)

    text = _paragraphs(_docx(client, scene.campaign))

    assert "市残工委召开专题会议部署助残日活动。" in text
    assert "民政部门对特困残疾人实行兜底保障。" in text
    problems = text.index("七、存在的问题和下一步打算")
    assert text[problems + 1 : problems + 5] == [
        "（一）存在的问题",
        "个别单位报送不及时。",
        "（二）下一步打算",
        "建立定期调度机制。",
    ]
    # An emptied closing is left out: the signature follows the last section.
    assert text[problems + 5] == world.city.name


def test_a_county_summary_covers_its_own_subtree(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.county_a_officer)

    whole = "\n".join(_paragraphs(_docx(client, scene.campaign)))

    assert world.county_a.name in whole  # its own summary by default
    assert "全区共开展各类助残活动1场" in whole
    assert "线上助残政策宣传" not in whole  # the city unit's report is not the county's
    assert "平顶山市人民政府残疾人工作委员会：" in whole  # sent up to the city


def test_every_download_is_in_the_audit_log(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.member_unit_reporter)

    response = client.get(reverse("summaries:pdf", args=[scene.campaign.pk]))

    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="summaries.summary.generated").get()
    assert entry.actor == world.member_unit_reporter
    assert entry.changes["format"] == "pdf"
    assert entry.changes["organisation"] == world.city_unit.pk
    assert entry.org_path == world.city_unit.path


def test_an_empty_campaign_still_reads_as_a_document(client: Client, world: World) -> None:
    from zhucan.testing.factories import make_campaign

    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    login_verified(client, world.city_officer)

    whole = "\n".join(_paragraphs(_docx(client, campaign)))

    assert "尚无通过审核的活动情况报告" in whole
    assert "本次活动暂未确定典型活动。" in whole
    assert "0场" not in whole


def test_a_lost_photo_file_costs_the_picture_not_the_document(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    for photo in scene.visit.photos.all():
        photo.image.storage.delete(photo.image.name)
        photo.thumbnail.storage.delete(photo.thumbnail.name)
    login_verified(client, world.city_officer)

    document = _docx(client, scene.campaign)

    assert len(document.inline_shapes) == 0
    assert "县领导带队入户走访" in "\n".join(_paragraphs(document))
    assert client.get(reverse("summaries:pdf", args=[scene.campaign.pk])).status_code == 200
