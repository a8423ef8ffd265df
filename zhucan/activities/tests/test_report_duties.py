"""Reports name the duties of the notice they served: the form suggests them from the unit's
department, its plan and the activity's category; the reviewer sees the suggestion and sets
them, and the duty matrix and the summary follow at once."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.activities.duties import carried_out_by_duty
from zhucan.activities.duty_suggestions import suggest_duties
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import accept_report, set_report_duties
from zhucan.campaigns.models import Campaign, Duty
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.stats.models import Cell
from zhucan.summaries.selectors import summary_figures
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


@pytest.fixture
def duties(campaign: Campaign) -> dict[int, Duty]:
    Duty.objects.create(
        campaign=campaign,
        number=2,
        text="各级教育部门要做好残疾学生入学工作。",
        departments=["教育"],
    )
    Duty.objects.create(
        campaign=campaign, number=3, text="各级残联要开展康复服务。", departments=["残联"]
    )
    return {d.number: d for d in campaign.duties.all()}


def numbers(found: Iterable[Duty]) -> list[int]:
    return [d.number for d in found]


def test_the_suggestion_follows_department_plan_and_category(
    world: World, campaign: Campaign, duties: dict[int, Duty]
) -> None:
    every = list(duties.values())
    # The civil-affairs bureau: the duty the notice gives to 民政.
    assert numbers(suggest_duties(duties=every, organisation=world.city_unit)) == [1]
    # A county committee has no department: the category's words decide.
    county = world.county_a
    assert numbers(suggest_duties(duties=every, organisation=county, category="education")) == [2]
    assert numbers(
        suggest_duties(duties=every, organisation=county, category="rehabilitation")
    ) == [3]
    assert suggest_duties(duties=every, organisation=county, category="other") == []
    # The planned activity's duty outweighs the department.
    assert numbers(
        suggest_duties(duties=every, organisation=world.city_unit, planned_duty_id=duties[3].pk)
    ) == [3]
    # A duty assigned to the unit counts like its department.
    assert numbers(
        suggest_duties(
            duties=every, organisation=county, category="other", assigned_duty_ids=[duties[2].pk]
        )
    ) == [2]


def test_the_new_report_form_ticks_the_suggested_duty(
    client: Client, world: World, campaign: Campaign, duties: dict[int, Duty]
) -> None:
    login_verified(client, world.member_unit_reporter)
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    body = client.get(url, {"organisation": world.city_unit.pk}).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="duties"[^>]*>', body)
    ticked = [b for b in boxes if "checked" in b]
    assert len(boxes) == 3 and len(ticked) == 1 and f'value="{duties[1].pk}"' in ticked[0]
    assert "Ticked for you from your unit" in body


def _submitted(world: World, campaign: Campaign) -> ActivityReport:
    return make_report(
        campaign=campaign,
        organisation=world.city_unit,
        by=world.member_unit_reporter,
        submit=True,
    )


def test_the_reviewer_sees_the_suggestion_and_sets_the_duty(
    client: Client, world: World, campaign: Campaign, duties: dict[int, Duty]
) -> None:
    report = _submitted(world, campaign)
    assert not report.duties.exists()
    login_verified(client, world.city_officer)
    detail = reverse("activities:detail", kwargs={"report_pk": report.pk})
    body = client.get(detail).content.decode()
    assert "The reporter ticked none" in body
    assert f'value="{duties[1].pk}" id="id_set_duty_{duties[1].pk}" checked' in body
    assert f'id="id_set_duty_{duties[2].pk}">' in body  # offered, not ticked

    url = reverse("activities:set_duties", kwargs={"report_pk": report.pk})
    response = client.post(url, {"version": report.version, "duties": [duties[1].pk]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert numbers(report.duties.all()) == [1]
    assert report.status == ActivityReport.Status.SUBMITTED
    entry = AuditEntry.objects.get(action="activities.report.duties_set")
    assert entry.changes == {"duties": [[], [1]]}


def test_changing_an_accepted_reports_duty_keeps_matrix_and_summary_exact(
    world: World, campaign: Campaign, duties: dict[int, Duty]
) -> None:
    report = _submitted(world, campaign)
    report = set_report_duties(
        by=world.city_officer, report=report, duties=[duties[1]], version=report.version
    )
    report = accept_report(by=world.city_officer, report=report, version=report.version)
    cells_before = sorted(Cell.objects.values_list("metric", "organisation_id", "value"))
    assert (duties[1].pk, world.city_unit.pk) in carried_out_by_duty(campaign)

    report = set_report_duties(
        by=world.city_officer, report=report, duties=[duties[2]], version=report.version
    )
    assert report.status == ActivityReport.Status.ACCEPTED
    done = carried_out_by_duty(campaign)
    assert (duties[1].pk, world.city_unit.pk) not in done
    assert [r.pk for r in done[(duties[2].pk, world.city_unit.pk)]] == [report.pk]
    figures = summary_figures(world.city_officer, [campaign], world.city)
    by_number = {d.number: d.reports for d in figures.duties}
    assert by_number == {1: 0, 2: 1, 3: 0}
    # The figures the statistics keep do not depend on duties: nothing moved.
    assert sorted(Cell.objects.values_list("metric", "organisation_id", "value")) == cells_before


def test_only_a_reviewer_above_sets_duties_and_not_on_a_draft(
    world: World, campaign: Campaign, duties: dict[int, Duty]
) -> None:
    report = _submitted(world, campaign)
    with pytest.raises(DomainError):
        set_report_duties(
            by=world.member_unit_reporter,
            report=report,
            duties=[duties[1]],
            version=report.version,
        )
    draft = make_report(
        campaign=campaign, organisation=world.city_unit, by=world.member_unit_reporter
    )
    with pytest.raises(DomainError):
        set_report_duties(
            by=world.city_officer, report=draft, duties=[duties[1]], version=draft.version
        )
    assert not AuditEntry.objects.filter(action="activities.report.duties_set").exists()
