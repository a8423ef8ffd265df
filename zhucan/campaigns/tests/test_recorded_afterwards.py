"""A campaign already under way when the office starts using Zhucan: the publication and the
signings that happened on paper are recorded with their own moment, by the office that sent
the notice only, never in the future nor before the notice went out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zhucan.campaigns import services
from zhucan.campaigns.models import Campaign, DutyAssignment, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry

SEED = Path(__file__).parent / "notices" / "pingdingshan_2020.txt"


def _draft(world: World) -> Campaign:
    text = SEED.read_text(encoding="utf-8")
    return services.import_notice(
        by=world.city_officer,
        issuing_org=world.city,
        parsed=parse_notice_text(text),
        source_text=text,
    )


def test_a_paper_publication_and_signing_keep_their_day(world: World) -> None:
    ten_days_ago = timezone.now() - timedelta(days=10)
    campaign = services.publish_campaign(
        by=world.city_officer, campaign=_draft(world), at=ten_days_ago
    )
    assert campaign.published_at == ten_days_ago
    receipt = Receipt.objects.get(campaign=campaign, organisation=world.county_a)
    assert receipt.sent_at == ten_days_ago
    signed_on_paper = ten_days_ago + timedelta(days=2)
    receipt = services.sign_receipt(by=world.city_officer, receipt=receipt, at=signed_on_paper)
    assert receipt.signed_at == signed_on_paper and receipt.signed_by == world.city_officer
    assert not DutyAssignment.objects.filter(
        organisation=world.county_a, status=DutyAssignment.Status.ASSIGNED
    ).exists()
    entry = AuditEntry.objects.filter(action="campaigns.receipt.signed").latest("pk")
    assert entry.changes == {"signed_at": signed_on_paper.isoformat()}


def test_nobody_backdates_their_own_receipt(world: World) -> None:
    campaign = services.publish_campaign(
        by=world.city_officer, campaign=_draft(world), at=timezone.now() - timedelta(days=10)
    )
    receipt = Receipt.objects.get(campaign=campaign, organisation=world.county_a)
    with pytest.raises(DomainError, match="office that sent the notice"):
        services.sign_receipt(
            by=world.county_a_officer, receipt=receipt, at=timezone.now() - timedelta(days=5)
        )
    receipt.refresh_from_db()
    assert receipt.signed_at is None
    # Signing now, the county's own way, still works.
    assert services.sign_receipt(by=world.county_a_officer, receipt=receipt).signed_at


@pytest.mark.parametrize("days", [-1, 11])  # tomorrow; before the notice went out
def test_a_signing_falls_between_sending_and_now(world: World, days: int) -> None:
    campaign = services.publish_campaign(
        by=world.city_officer, campaign=_draft(world), at=timezone.now() - timedelta(days=10)
    )
    receipt = Receipt.objects.get(campaign=campaign, organisation=world.county_a)
    with pytest.raises(DomainError, match="between the sending"):
        services.sign_receipt(
            by=world.city_officer, receipt=receipt, at=timezone.now() - timedelta(days=days)
        )
    receipt.refresh_from_db()
    assert receipt.signed_at is None


def test_a_publication_is_not_recorded_in_the_future(world: World) -> None:
    draft = _draft(world)
    with pytest.raises(DomainError, match="future"):
        services.publish_campaign(
            by=world.city_officer, campaign=draft, at=timezone.now() + timedelta(hours=1)
        )
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT and not Receipt.objects.exists()
