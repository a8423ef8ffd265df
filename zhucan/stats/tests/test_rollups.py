"""The roll-up cells: every total at every level, kept right through accept, return for
correction and re-accept, and equal to a rebuild from scratch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from zhucan.accounts.models import User
from zhucan.activities.services import (
    ReportInput,
    VisitInput,
    return_report,
    save_report,
    submit_report,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.stats.models import Cell
from zhucan.stats.services import rebuild_cells
from zhucan.stats.tests.conftest import Story, accept, households


def cells() -> dict[tuple[int, int, str], tuple[Decimal, int]]:
    """Every cell that holds something (a return leaves zero cells behind)."""
    return {
        (c.campaign_id, c.organisation_id, c.metric): (c.value, c.count)
        for c in Cell.objects.all()
        if c.count
    }


def figure(campaign: Campaign, org: Organisation, metric: str) -> Decimal:
    found = Cell.objects.filter(campaign=campaign, organisation=org, metric=metric).first()
    return found.value if found else Decimal(0)


def test_every_total_at_every_level(world: World, story: Story) -> None:
    c, child, hh = story.campaign, story.child, f"indicator:{households().pk}"
    # The city's campaign at the city: all four accepted reports, not the pending one.
    assert figure(c, world.city, "reports") == 4
    assert figure(c, world.city, "disabled_served") == 12 + 5 + 7
    assert figure(c, world.city, "attendance") == 20 + 50 + 9
    assert figure(c, world.city, "volunteers") == 3
    assert figure(c, world.city, "cash") == Decimal("1300.50")
    assert figure(c, world.city, "goods_value") == Decimal("200")
    assert figure(c, world.city, hh) == 22
    assert figure(c, world.city, "category:visit") == 2
    assert figure(c, world.city, "category:publicity") == 1
    assert figure(c, world.city, "category:employment") == 1
    assert figure(c, world.city, "mode:in_person") == 2
    assert figure(c, world.city, "mode:online") == 1
    assert figure(c, world.city, "mode:both") == 1
    assert figure(c, world.city, "visit:household") == 1
    assert figure(c, world.city, "households") == 10
    assert figure(c, world.city, "visit:welfare_home") == 1
    assert figure(c, world.city, "visit:care_home") == 1
    # County A (with its unit, whose report is in county A's own campaign).
    assert figure(c, world.county_a, "reports") == 2
    assert figure(c, world.county_a, "disabled_served") == 17
    assert figure(c, world.county_a, hh) == 15
    assert figure(c, world.county_a, "visit:care_home") == 0
    # The unit, county B, the city's unit.
    assert figure(c, world.county_a_unit, "reports") == 1
    assert figure(c, world.county_a_unit, "attendance") == 50
    assert figure(c, world.county_b, "disabled_served") == 7
    assert figure(c, world.county_b, "reports") == 1
    assert figure(c, world.city_unit, "cash") == 300
    # County A's own campaign: only its unit's report, and nothing above its issuer.
    assert figure(child, world.county_a, "reports") == 1
    assert figure(child, world.county_a_unit, hh) == 5
    assert figure(child, world.city, "reports") == 0
    assert not Cell.objects.filter(campaign=child, organisation=world.city).exists()


def test_return_correct_and_accept_again(world: World, story: Story, county_reporter: User) -> None:
    c, own = story.campaign, story.own
    before = cells()
    returned = return_report(
        by=world.city_officer, report=own, version=own.version, reason="户数有误，请更正"
    )
    # It left the statistics, at every level.
    assert figure(c, world.city, "reports") == 3
    assert figure(c, world.city, "disabled_served") == 12
    assert figure(c, world.county_a, "disabled_served") == 5
    assert figure(c, world.city, "visit:welfare_home") == 0
    assert figure(c, world.city, "households") == 0
    corrected = save_report(
        by=county_reporter,
        campaign=c,
        organisation=world.county_a,
        client_id=returned.client_id,
        version=returned.version,
        data=ReportInput(
            category="visit",
            title="走访慰问困难残疾人家庭",
            start_date=own.start_date,
            end_date=own.end_date,
            mode="in_person",
            attendance=20,
            disabled_served=14,
            volunteers=3,
            cash=Decimal("1000.50"),
            goods_value=Decimal("200"),
            values={households().pk: Decimal(14)},
            visits=[VisitInput(kind="household", households=14, cash=Decimal("1000.50"))],
        ),
    )
    corrected = submit_report(by=county_reporter, report=corrected, version=corrected.version)
    assert figure(c, world.city, "reports") == 3  # submitted is not accepted
    accept(corrected, world.city_officer)
    assert figure(c, world.city, "reports") == 4
    assert figure(c, world.city, "disabled_served") == 14 + 5 + 7
    assert figure(c, world.county_a, f"indicator:{households().pk}") == 19
    assert figure(c, world.city, "households") == 14
    assert figure(c, world.city, "visit:welfare_home") == 0  # the corrected report has none
    after = cells()
    assert after != before
    # And a rebuild from scratch gives exactly the same cells.
    rebuild_cells(by=None)
    assert cells() == after


def test_incremental_equals_rebuilt(world: World, story: Story) -> None:
    incremental = cells()
    assert incremental
    call_command("rebuild_stats", stdout=__import__("io").StringIO())
    assert cells() == incremental
    assert AuditEntry.objects.filter(action="stats.cells.rebuilt").count() == 1


def test_rebuild_of_one_campaign_leaves_the_others(world: World, story: Story) -> None:
    incremental = cells()
    Cell.objects.filter(campaign=story.child).delete()
    Cell.objects.filter(campaign=story.campaign, metric="reports").update(value=99)
    rebuild_cells(by=world.city_admin, campaign=story.child)
    rebuilt = cells()
    assert {k: v for k, v in rebuilt.items() if k[0] == story.child.pk} == {
        k: v for k, v in incremental.items() if k[0] == story.child.pk
    }
    # Cells of the campaign above were not touched by the scoped rebuild.
    assert figure(story.campaign, world.city, "reports") == 99
    call_command(
        "rebuild_stats", "--campaign", str(story.campaign.pk), stdout=__import__("io").StringIO()
    )
    assert cells() == incremental


def test_a_stale_page_cannot_return_an_accepted_report(world: World, story: Story) -> None:
    own = story.own
    with pytest.raises(DomainError, match="already"):
        return_report(by=world.city_officer, report=own, version=own.version - 1, reason="x")
