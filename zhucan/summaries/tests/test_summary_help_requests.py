"""The summary's help-requests section: the figures as sentences in the .docx and the PDF, only
the reader's jurisdiction and never spam."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest
from zhucan.stats.tests.factories import at, make_help_request
from zhucan.summaries.tests.factories import Scene, city_campaign_with_work
from zhucan.summaries.tests.test_summary_document import pdftotext
from zhucan.testing.auth import login_verified

pytestmark = pytest.mark.django_db

HEADING = "六、群众求助办理情况"
CITY_SENTENCE = (
    "2020年1月1日至2020年12月31日，全市通过公开渠道共受理残疾人求助3件；已答复2件，"
    "其中按期答复2件（按期答复率100%）；按期确认受理2件；正在办理1件，其中超期1件。"
    "从受理到答复用时的中位数为1.5天。按求助类别分，医疗康复2件、就业1件；"
    "按责任单位分，新华区残工委2件、叶县残工委1件。"
)


@pytest.fixture
def scene(world: World) -> Scene:
    """County A: one answered in two days, one still open; county B: one answered in a day and
    one set aside as spam."""
    scene = city_campaign_with_work(world)
    a, b = world.county_a, world.county_b
    make_help_request(
        organisation=a,
        received=at(date(2020, 5, 10)),
        acknowledged=at(date(2020, 5, 10), 15),
        answered=at(date(2020, 5, 12)),
    )
    make_help_request(organisation=a, received=at(date(2020, 6, 1)))
    make_help_request(
        organisation=b,
        kind=HelpRequest.Kind.EMPLOYMENT,
        received=at(date(2020, 5, 20)),
        acknowledged=at(date(2020, 5, 20), 10),
        answered=at(date(2020, 5, 21)),
    )
    make_help_request(organisation=b, received=at(date(2020, 5, 20)), status="spam")
    return scene


def _docx_text(client: Client, scene: Scene, **query: str) -> list[str]:
    response = client.get(reverse("summaries:docx", args=[scene.campaign.pk]), query)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_docx_states_the_city_figures_as_sentences(
    client: Client, world: World, scene: Scene
) -> None:
    login_verified(client, world.city_officer)
    text = _docx_text(client, scene)
    assert text[text.index(HEADING) + 1] == CITY_SENTENCE


def test_pdf_has_the_section(client: Client, world: World, scene: Scene) -> None:
    login_verified(client, world.city_officer)
    response = client.get(reverse("summaries:pdf", args=[scene.campaign.pk]))
    flat = "".join(pdftotext(response.content).split())
    assert HEADING in flat
    assert CITY_SENTENCE in flat


def test_a_county_summary_counts_only_its_own_requests(
    client: Client, world: World, scene: Scene
) -> None:
    login_verified(client, world.county_a_officer)
    text = _docx_text(client, scene, org=str(world.county_a.pk))
    sentence = text[text.index(HEADING) + 1]
    assert "全区通过公开渠道共受理残疾人求助2件；已答复1件" in sentence
    assert "中位数为2天" in sentence
    assert "叶县" not in sentence and "按责任单位分" not in sentence


def test_without_requests_the_section_says_so(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    make_help_request(organisation=world.county_a, received=at(date(2020, 5, 1)), status="spam")
    login_verified(client, world.city_officer)
    text = _docx_text(client, scene)
    assert text[text.index(HEADING) + 1] == (
        "2020年1月1日至2020年12月31日，全市暂未收到残疾人及其亲属、邻里通过公开渠道提出的求助。"
    )


def test_a_member_unit_summary_leaves_the_section_out(
    client: Client, world: World, scene: Scene
) -> None:
    login_verified(client, world.city_officer)
    text = _docx_text(client, scene, org=str(world.city_unit.pk))
    assert not any("群众求助" in line for line in text)
