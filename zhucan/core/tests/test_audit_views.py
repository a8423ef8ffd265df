import io

from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhucan.conftest import World
from zhucan.core import audit
from zhucan.testing.auth import login_verified


def test_auditor_searches_the_log_of_their_jurisdiction(client: Client, world: World) -> None:
    login_verified(client, world.city_auditor)
    response = client.get(reverse("core:audit"), {"q": "新华区民政局"})
    assert response.status_code == 200
    assert "新华区民政局" in response.content.decode()


def test_people_without_the_audit_role_get_403(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    assert client.get(reverse("core:audit")).status_code == 403


def test_county_auditor_sees_only_their_county(client: Client, world: World) -> None:
    from zhucan.testing.factories import make_user

    auditor = make_user(org=world.county_b, role="auditor")
    login_verified(client, auditor)
    body = client.get(reverse("core:audit")).content.decode()
    assert "叶县人民政府残疾人工作委员会" in body
    assert "新华区" not in body


def test_export_is_formula_safe(client: Client, world: World) -> None:
    with transaction.atomic():
        audit.record(
            by=world.city_officer,
            action="test.formula",
            target=world.city,
            changes={"name": '=HYPERLINK("http://evil")'},
        )
    login_verified(client, world.city_auditor)
    response = client.get(reverse("core:audit"), {"q": "test.formula", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "时间" or sheet["A1"].value == "Time"
    assert sheet.freeze_panes == "A2"
    cell = sheet["E2"]
    assert cell.data_type == "s"
    assert "HYPERLINK" in cell.value


def test_invalid_date_range_shows_a_clear_error(client: Client, world: World) -> None:
    login_verified(client, world.city_auditor)
    response = client.get(
        reverse("core:audit"), {"date_from": "2020-05-20", "date_to": "2020-05-01"}
    )
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
