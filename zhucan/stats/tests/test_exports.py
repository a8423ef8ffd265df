"""The dashboard's tables in Excel: the page's figures, frozen header, formats, safe text."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhucan.conftest import World
from zhucan.stats.tests.conftest import Story
from zhucan.testing.auth import login_verified


def test_export_has_every_table_with_the_page_figures(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.city_officer)
    response = client.get(reverse("stats:export", args=[story.campaign.pk, world.city.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["Overview", "Activities by category and mode", "Visits"]
    sheet = book["Overview"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Organisation", "Reports", "Attendance")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[world.county_a.name][1] == 2
    assert by_name["Total"][1] == 4
    cash = rows[0].index("Cash given (yuan)")
    assert Decimal(str(by_name["Total"][cash])) == Decimal("1300.50")
    assert sheet.cell(row=len(rows), column=cash + 1).number_format == "#,##0.00"


def test_names_that_look_like_formulas_stay_text(
    client: Client, world: World, story: Story
) -> None:
    # The organisation services refuse such names now; a row from before must still be safe.
    type(world.city_unit).objects.filter(pk=world.city_unit.pk).update(name="=1+1")
    login_verified(client, world.city_officer)
    response = client.get(reverse("stats:export", args=[story.campaign.pk, world.city.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cell = next(row[0] for row in book["Overview"].iter_rows(min_row=2) if row[0].value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix
