"""The drill-down list of an organisation's accepted reports shows how many people attended;
an attendance nobody reported is shown as unknown (—), never as 0."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.activities.models import ActivityReport
from zhucan.conftest import World
from zhucan.stats import selectors
from zhucan.stats.tests.conftest import Story
from zhucan.testing.auth import login_verified


def _attendance_cells(body: str) -> list[str]:
    table = body[body.index("<thead>") : body.index("</table>")]
    headings = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
    column = headings.index("Attendance")
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)[column] for row in rows]


def test_the_list_has_the_attendance_column(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:reports", args=[story.campaign.pk, world.county_a.pk])
    body = client.get(url).content.decode()
    assert _attendance_cells(body) == [str(story.own.attendance)]


def test_an_unknown_attendance_is_not_shown_as_zero(
    client: Client, world: World, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = selectors.accepted_reports  # what the dashboard's views read the list from

    def unknown_attendance(*args: Any, **kwargs: Any) -> list[ActivityReport]:
        reports = list(real(*args, **kwargs))
        for report in reports:
            report.attendance = None  # as the form will store "not known"
        return reports

    monkeypatch.setattr(selectors, "accepted_reports", unknown_attendance)
    login_verified(client, world.city_officer)
    url = reverse("stats:reports", args=[story.campaign.pk, world.county_a.pk])
    (cell,) = _attendance_cells(client.get(url).content.decode())
    assert "—" in cell and "not reported" in cell
    assert "0" not in cell
