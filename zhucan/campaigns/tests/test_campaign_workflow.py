"""The whole notice cycle on the real seed notice: import, publish, sign, remind, download."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from zhucan.campaigns import services
from zhucan.campaigns.models import Campaign, DutyAssignment, Receipt
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified

SEED = Path(__file__).parent / "notices" / "pingdingshan_2020.txt"


@pytest.fixture
def seed_campaign(client: Client, world: World) -> Campaign:
    login_verified(client, world.city_officer)
    upload = SimpleUploadedFile("通知.txt", SEED.read_bytes(), content_type="text/plain")
    response = client.post(
        reverse("campaigns:import"), {"issuing_org": world.city.pk, "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Campaign.objects.get()


def test_import_the_seed_notice_into_a_draft(seed_campaign: Campaign, world: World) -> None:
    c = seed_campaign
    assert c.status == Campaign.Status.DRAFT
    assert c.notice.doc_number == "平残工委〔2020〕2号"
    assert c.notice.title == "平顶山市人民政府残疾人工作委员会关于开展第三十次全国助残日活动的通知"
    assert c.edition == 30 and c.date == date(2020, 5, 17) and c.year == 2020
    assert c.theme == "助残脱贫 决胜小康"
    assert c.duties.count() == 8
    assert c.slogans.count() == 7
    assert [(x.name, x.phone, x.email) for x in c.contacts.all()] == [
        ("高秋法", "2690909", "pdscanlian@163.com")
    ]
    assert AuditEntry.objects.filter(
        action="campaigns.notice.imported", object_id=str(c.pk)
    ).exists()


def test_publish_sends_to_every_recipient_once_and_fills_the_duty_matrix(
    client: Client, seed_campaign: Campaign, world: World
) -> None:
    url = reverse("campaigns:publish", kwargs={"campaign_pk": seed_campaign.pk})
    dates = {"version": seed_campaign.version, "plans_due": "2099-05-01"}
    dates["reports_due"] = "2099-06-01"
    client.post(url, dates)
    client.post(url, dates)  # a double click publishes once
    receipts = set(Receipt.objects.values_list("organisation__name", flat=True))
    assert receipts == {world.county_a.name, world.county_b.name, world.city_unit.name}
    assert AuditEntry.objects.filter(action="campaigns.campaign.published").count() == 1
    # Duty 2 says 各级民政: the city's civil-affairs bureau and the county's counterpart.
    duty2 = set(
        DutyAssignment.objects.filter(duty__number=2).values_list("organisation__name", flat=True)
    )
    assert duty2 == {world.city_unit.name, world.county_a_unit.name}
    duty7 = set(
        DutyAssignment.objects.filter(duty__number=7).values_list("organisation__name", flat=True)
    )
    assert duty7 == {world.county_a.name, world.county_b.name}
    seed_campaign.notice.refresh_from_db()
    assert any("残联" in name for name in seed_campaign.notice.unmatched_recipients)


def test_county_signs_and_the_city_sees_the_receipt_table_update(
    client: Client, seed_campaign: Campaign, world: World
) -> None:
    services.publish_campaign(by=world.city_officer, campaign=seed_campaign)
    receipt = Receipt.objects.get(organisation=world.county_a)
    client.logout()
    login_verified(client, world.county_a_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "平顶山市人民政府残疾人工作委员会关于开展第三十次全国助残日活动的通知" in home
    client.post(reverse("campaigns:sign", kwargs={"receipt_pk": receipt.pk}))
    receipt.refresh_from_db()
    assert receipt.signed_by == world.county_a_officer and receipt.signed_at
    assert not DutyAssignment.objects.filter(
        organisation=world.county_a, status="assigned"
    ).exists()
    # County A cannot sign county B's receipt: it does not even exist for them.
    other = Receipt.objects.get(organisation=world.county_b)
    assert (
        client.post(reverse("campaigns:sign", kwargs={"receipt_pk": other.pk})).status_code == 404
    )
    other.refresh_from_db()
    assert other.signed_at is None
    client.logout()
    login_verified(client, world.city_officer)
    table = client.get(
        reverse("campaigns:receipts", kwargs={"campaign_pk": seed_campaign.pk})
    ).content.decode()
    assert "张伟" in table
    assert "1 of 3" in table or "3 个单位中已有 1 个" in table


def test_download_the_official_document(client: Client, seed_campaign: Campaign) -> None:
    docx = client.get(
        reverse("campaigns:notice_file", kwargs={"campaign_pk": seed_campaign.pk, "fmt": "docx"})
    )
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert (
        text.index("平残工委〔2020〕2号")
        < text.index("关于开展第三十次全国助残日活动的通知")
        < text.index("助残脱贫 决胜小康")
    )
    pdf = client.get(
        reverse("campaigns:notice_file", kwargs={"campaign_pk": seed_campaign.pk, "fmt": "pdf"})
    )
    assert pdf.content.startswith(b"%PDF")
    slogans = client.get(reverse("campaigns:slogans", kwargs={"campaign_pk": seed_campaign.pk}))
    lines = slogans.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "决战脱贫攻坚 决胜全面小康" and len(lines) == 7


def test_duty_matrix_page_and_excel(
    client: Client,
    seed_campaign: Campaign,
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    services.publish_campaign(by=world.city_officer, campaign=seed_campaign)
    url = reverse("campaigns:matrix", kwargs={"campaign_pk": seed_campaign.pk})
    with django_assert_max_num_queries(20):
        page = client.get(url)
    body = page.content.decode()
    assert '<caption id="duty-matrix-caption-1">' in body and 'scope="row"' in body
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = book.worksheets[0]
    assert sheet.max_column == 9  # the organisation and eight duties
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert world.county_a_unit.name in names


def test_a_second_notice_with_the_same_number_is_refused(
    client: Client, seed_campaign: Campaign, world: World
) -> None:
    upload = SimpleUploadedFile("通知.txt", SEED.read_bytes(), content_type="text/plain")
    response = client.post(
        reverse("campaigns:import"), {"issuing_org": world.city.pk, "file": upload}
    )
    assert response.status_code == 200
    assert "平残工委〔2020〕2号" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_text_that_is_not_a_notice_is_refused_with_a_message(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("campaigns:import"),
        {"issuing_org": world.city.pk, "text": "床前明月光，疑是地上霜。"},
    )
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
    assert Campaign.objects.count() == 0 and AuditEntry.objects.count() == before


def test_a_forged_issuing_organisation_is_refused(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    response = client.post(
        reverse("campaigns:import"), {"issuing_org": world.county_b.pk, "text": SEED.read_text()}
    )
    assert response.status_code == 200
    assert Campaign.objects.count() == 0


def test_an_edit_in_another_tab_is_detected(client: Client, seed_campaign: Campaign) -> None:
    url = reverse("campaigns:edit", kwargs={"campaign_pk": seed_campaign.pk})
    form = {
        "version": seed_campaign.version,
        "title": "改过的标题",
        "doc_number": "平残工委〔2020〕2号",
        "recipients": "各县（市、区）残工委",
        "theme": "助残脱贫 决胜小康",
        "slogans": "口号一",
    }
    assert client.post(url, form).status_code == 302
    stale = dict(form, title="另一个标签页的标题")
    response = client.post(url, stale)
    assert response.status_code == 200 and b"data-error-summary" in response.content
    seed_campaign.notice.refresh_from_db()
    assert seed_campaign.notice.title == "改过的标题"


def test_preview_shows_what_was_recognised_and_saves_nothing(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    text = SEED.read_text()
    response = client.post(
        reverse("campaigns:import"),
        {"issuing_org": world.city.pk, "text": text, "action": "preview"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "平残工委〔2020〕2号" in body and "gongwen__header" in body
    fragment = client.post(reverse("campaigns:preview"), {"text": text}).content.decode()
    assert "助残脱贫 决胜小康" in fragment and "<html" not in fragment
    assert Campaign.objects.count() == 0


def test_unmatched_recipients_are_resolved_by_hand_before_publishing(
    client: Client, world: World
) -> None:
    from zhucan.testing.factories import make_campaign, make_org

    rehab = make_org(name="平顶山市残疾人康复中心", parent=world.city, kind="institution")
    campaign = make_campaign(
        issuing_org=world.city,
        by=world.city_officer,
        publish=False,
        recipients=["各县（市、区）残工委", "市康复中心"],
    )
    login_verified(client, world.city_officer)
    url = reverse("campaigns:recipients", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url).content.decode()
    assert "市康复中心" in page and world.county_a.name in page
    # A forged id from outside the issuer's tree is "not found", and nothing changes.
    client.post(url, {"organisation": 999999, "add": "1"})
    client.post(url, {"organisation": rehab.pk, "add": "1"})
    services.publish_campaign(by=world.city_officer, campaign=campaign)
    names = set(campaign.receipts.values_list("organisation__name", flat=True))
    assert names == {world.county_a.name, world.county_b.name, rehab.name}


def test_a_county_starts_its_own_campaign_from_the_city_notice(
    client: Client, seed_campaign: Campaign, world: World
) -> None:
    services.publish_campaign(by=world.city_officer, campaign=seed_campaign)
    client.logout()
    login_verified(client, world.county_a_officer)
    detail = client.get(reverse("campaigns:detail", kwargs={"campaign_pk": seed_campaign.pk}))
    assert "cascade" in detail.content.decode()
    url = reverse("campaigns:cascade", kwargs={"campaign_pk": seed_campaign.pk})
    response = client.post(url, {"organisation": world.county_a.pk})
    child = Campaign.objects.get(parent=seed_campaign)
    assert response.status_code == 302 and child.issuing_org == world.county_a
    assert child.theme == "助残脱贫 决胜小康" and child.duties.count() == 8
    assert child.slogans.count() == 7 and child.status == Campaign.Status.DRAFT
    # Not twice, and not for a county that did not receive it.
    client.post(url, {"organisation": world.county_a.pk})
    assert Campaign.objects.filter(parent=seed_campaign).count() == 1
    assert client.post(url, {"organisation": world.county_b.pk}).status_code == 404


def test_the_duty_matrix_shows_what_each_organisation_planned(client: Client, world: World) -> None:
    from zhucan.testing.factories import make_campaign, make_plan

    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    duty = campaign.duties.get()
    make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[{"title": "走访慰问困难残疾人家庭", "duty": duty}],
        submit=True,
    )
    login_verified(client, world.city_officer)
    url = reverse("campaigns:matrix", kwargs={"campaign_pk": campaign.pk})
    body = client.get(url).content.decode()
    assert "走访慰问困难残疾人家庭" in body
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).worksheets[0]
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    planned = values[world.county_a.name] or ""
    assert isinstance(planned, str) and "1" in planned


def test_campaign_list_search_and_visibility(client: Client, world: World) -> None:
    from zhucan.testing.factories import make_campaign

    make_campaign(issuing_org=world.city, by=world.city_officer, serial=7)
    make_campaign(issuing_org=world.county_b, by=world.county_b_officer, serial=8, publish=False)
    login_verified(client, world.county_a_officer)
    body = client.get(reverse("campaigns:list"), {"q": "〔2020〕7号"}).content.decode()
    assert "测残工委〔2020〕7号" in body
    body = client.get(reverse("campaigns:list")).content.decode()
    assert "测残工委〔2020〕8号" not in body  # county B's own campaign is not county A's business
