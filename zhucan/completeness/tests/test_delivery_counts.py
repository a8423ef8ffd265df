"""The delivery counts the completeness page reads are kept as deliveries happen: after any
sequence of sendings, signings, plans, reports, returns and moved deadlines they equal the
counts worked out from scratch, and the rebuild gives the same rows."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import date, timedelta

from django.core.management import call_command
from django.utils import timezone

from zhucan.activities.services import return_report
from zhucan.campaigns.models import Receipt
from zhucan.campaigns.services import (
    create_child_campaign,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.completeness.counts import Key, computed_counts
from zhucan.completeness.models import DeliveryCount
from zhucan.completeness.services import set_receipts_due
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.testing.factories import make_campaign, make_plan, make_report


def kept() -> dict[Key, int]:
    return {
        (c.campaign_id, c.organisation_id, c.kind, c.due, c.delivered_on): c.count
        for c in DeliveryCount.objects.all()
        if c.count
    }


def scratch() -> dict[Key, int]:
    return {key: n for key, n in computed_counts().items() if n}


def test_the_kept_counts_equal_a_count_from_scratch_after_random_deliveries(world: World) -> None:
    rng = random.Random(2020)  # noqa: S311 - test data
    officer = world.city_officer
    campaign = make_campaign(issuing_org=world.city, by=officer)
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    today = timezone.localdate()
    dates = [today - timedelta(days=2), today, today + timedelta(days=3)]
    days: list[date | None] = [None, *dates]
    planned: set[tuple[int, int]] = set()
    reports = []
    done: Counter[str] = Counter()
    for _step in range(60):
        campaigns = [campaign] + ([child] if child.status == "published" else [])
        chosen = rng.choice(campaigns)
        receipts = list(Receipt.objects.filter(campaign=chosen).select_related("organisation"))
        receipt = rng.choice(receipts)
        action = rng.choice(
            ["sign", "plan", "report", "return", "deadlines", "receipts_due", "publish"]
        )
        try:
            if action == "sign":
                sign_at = None if rng.random() < 0.5 else receipt.sent_at

                sign_receipt(by=officer, receipt=receipt, at=sign_at)
            elif action == "plan" and (chosen.pk, receipt.organisation_id) not in planned:
                planned.add((chosen.pk, receipt.organisation_id))
                make_plan(
                    campaign=chosen, organisation=receipt.organisation, by=officer, submit=True
                )
            elif action == "report":
                reports.append(
                    make_report(
                        campaign=chosen, organisation=receipt.organisation, by=officer, submit=True
                    )
                )
            elif action == "return" and reports:
                report = reports.pop(rng.randrange(len(reports)))
                report.refresh_from_db()
                return_report(by=officer, report=report, version=report.version, reason="补充")
            elif action == "deadlines":
                chosen.refresh_from_db()
                plans = rng.choice(days)
                set_deadlines(
                    by=officer,
                    campaign=chosen,
                    version=chosen.version,
                    plans_due=plans,
                    reports_due=rng.choice([d for d in days if not plans or (d and d >= plans)]),
                    summary_due=None,
                )
            elif action == "receipts_due":
                set_receipts_due(by=officer, campaign=chosen, receipts_due=rng.choice(dates))
            elif action == "publish" and child.status != "published":
                child = publish_campaign(by=world.county_a_officer, campaign=child)
        except DomainError:
            continue
        done[action] += 1
        assert kept() == scratch(), (_step, action)
    # The sequence did reach every kind of event (a test that cannot fail is no test).
    assert set(done) == {"sign", "plan", "report", "return", "deadlines", "receipts_due", "publish"}
    assert DeliveryCount.objects.filter(count__lt=0).count() == 0
    assert sum(n for (_c, _o, kind, *_rest), n in kept().items() if kind == "receipt") > 0
    before = kept()
    call_command("rebuild_completeness", stdout=io.StringIO())
    assert kept() == before
