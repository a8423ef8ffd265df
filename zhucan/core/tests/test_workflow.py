"""The one review workflow (``core.workflow``): what it refuses, what it writes, and two
reviewers at the same instant. A workflow declared here, over the plan model, shows the
defaults an adopter gets; the plans' and reports' own declarations are exercised too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.urls import reverse
from django.utils import translation

from zhucan.activities.models import ActivityReport
from zhucan.activities.services import accept_report, return_report
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core import workflow
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.plans.models import Plan
from zhucan.testing.concurrency import needs_postgres, post_at_once
from zhucan.testing.factories import make_campaign, make_plan, make_report, make_user


def nobody(by: Any, obj: Any) -> None:
    raise DomainError("Not you.")


def anybody(by: Any, obj: Any) -> None:
    return None


# What a new kind of review declares: no messages of its own, so it gets the defaults.
BARE = workflow.Workflow(
    model=Plan,
    transitions={
        "send": workflow.Transition(
            sources={workflow.DRAFT},
            target=workflow.SUBMITTED,
            repeats={workflow.SUBMITTED},
            may=anybody,
            action="tests.sent",
            stamp="submitted",
        ),
        "decide": workflow.Transition(
            sources={workflow.SUBMITTED},
            target="approved",
            may=anybody,
            action="tests.decided",
            stamp="decided",
            decides=True,
        ),
        "forbidden": workflow.Transition(
            sources={workflow.DRAFT},
            target=workflow.SUBMITTED,
            may=nobody,
            action="tests.forbidden",
        ),
    },
)


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def plan(world: World, campaign: Campaign) -> Plan:
    return make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)


def unchanged(plan: Plan) -> Callable[[], None]:
    """A check that nothing of ``plan`` was saved and no audit entry written since now."""
    version, entries = plan.version, AuditEntry.objects.count()

    def check() -> None:
        plan.refresh_from_db()
        assert plan.version == version and plan.status == Plan.Status.DRAFT
        assert AuditEntry.objects.count() == entries

    return check


def test_an_illegal_transition_is_refused_with_a_message(world: World, plan: Plan) -> None:
    check = unchanged(plan)
    with translation.override("en"), pytest.raises(DomainError) as error:
        BARE.begin("decide", plan, by=world.city_officer, version=plan.version)
    assert error.value.message == (
        "This is Draft now, so that cannot be done. Reload the page to see it."
    )
    with translation.override("zh-hans"), pytest.raises(DomainError) as error:
        BARE.begin("decide", plan, by=world.city_officer, version=plan.version)
    assert error.value.message == "当前状态为“草稿”，不能进行此操作。请刷新页面查看。"
    check()


def test_who_may_is_asked_before_anything_else(world: World, plan: Plan) -> None:
    check = unchanged(plan)
    with pytest.raises(DomainError, match="Not you."):
        BARE.begin("forbidden", plan, by=world.city_officer, version=plan.version + 9)
    check()


def test_a_stale_version_is_refused_in_chinese(world: World, plan: Plan) -> None:
    check = unchanged(plan)
    with translation.override("zh-hans"), pytest.raises(DomainError) as error:
        BARE.begin("send", plan, by=world.county_a_officer, version=plan.version - 1)
    assert error.value.message == (
        "您打开此页面期间，他人已作了修改。请刷新页面查看其修改，然后重新进行您的修改。"
    )
    # The plans' own message, declared lazily, is translated when it is raised.
    with translation.override("zh-hans"), pytest.raises(DomainError, match="他人修改了方案"):
        from zhucan.plans.workflow import PLAN_REVIEW

        PLAN_REVIEW.begin("submit", plan, by=world.county_a_officer, version=plan.version - 1)
    check()


def test_finishing_saves_the_state_stamps_and_version_and_audits(world: World, plan: Plan) -> None:
    with transaction.atomic():
        step = BARE.begin("send", plan, by=world.county_a_officer, version=plan.version)
        assert not step.done
        step.obj.aims = "changed in memory only"
        step.finish(changes={"note": 1})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    assert plan.submitted_at == step.at and plan.version == step.obj.version
    assert plan.aims != "changed in memory only"  # only the named fields are saved
    entry = AuditEntry.objects.get(action="tests.sent")
    assert entry.actor == world.county_a_officer and entry.object_id == str(plan.pk)
    assert entry.changes == {"note": 1} and entry.org_path == world.county_a.path

    reviewer = make_user(org=world.city, role="reviewer")
    with transaction.atomic():
        decided = BARE.begin("decide", plan, by=reviewer, version=plan.version).finish()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.version == decided.version
    assert plan.decided_by == reviewer and plan.decided_at is not None
    assert AuditEntry.objects.filter(action="tests.decided", actor=reviewer).count() == 1


def test_a_repeat_does_nothing(world: World, plan: Plan) -> None:
    with transaction.atomic():
        BARE.begin("send", plan, by=world.county_a_officer, version=plan.version).finish()
    plan.refresh_from_db()
    entries = AuditEntry.objects.count()
    with transaction.atomic():
        step = BARE.begin("send", plan, by=world.county_a_officer, version=plan.version - 1)
        assert step.done
        with pytest.raises(RuntimeError):
            step.finish()
    assert AuditEntry.objects.count() == entries


def test_a_decision_on_a_stale_page_says_it_was_decided(world: World, campaign: Campaign) -> None:
    """Returning an accepted report from a page opened before it was accepted names the
    decision, not "someone changed it"."""
    reporter = make_user(org=world.county_a, role="reporter")
    report = make_report(campaign=campaign, organisation=world.county_a, by=reporter, submit=True)
    seen = report.version
    accept_report(by=world.city_admin, report=report, version=seen)
    with translation.override("en"), pytest.raises(DomainError, match="already Accepted"):
        return_report(by=world.city_officer, report=report, version=seen, reason="请补充")


def test_a_declaration_with_an_unknown_state_fails_at_once() -> None:
    """A typo in a state fails when the app loads, not at someone's first click."""
    with pytest.raises(ImproperlyConfigured, match="unknown states"):
        workflow.Workflow(
            model=Plan,
            transitions={
                "accept": workflow.Transition(
                    sources={workflow.SUBMITTED}, target="accepted", may=anybody, action="x"
                )
            },
        )
    with pytest.raises(ImproperlyConfigured, match="no reviewed_at"):
        workflow.Workflow(
            model=Plan,
            transitions={
                "send": workflow.Transition(
                    sources={workflow.DRAFT},
                    target=workflow.SUBMITTED,
                    may=anybody,
                    action="x",
                    stamp="reviewed",
                )
            },
        )
    with pytest.raises(ImproperlyConfigured, match="no status field"):
        workflow.Workflow(model=AuditEntry, transitions={})


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same instant, each on its own thread (and database connection);
    what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.postgres
@needs_postgres
def test_two_reviewers_at_once_one_decides(
    transactional_db: None, world: World, campaign: Campaign
) -> None:
    reporter = make_user(org=world.county_a, role="reporter")
    report = make_report(campaign=campaign, organisation=world.county_a, by=reporter, submit=True)
    seen = report.version
    with translation.override("en"):
        results = at_once(
            lambda: accept_report(by=world.city_admin, report=report, version=seen),
            lambda: return_report(by=world.city_officer, report=report, version=seen, reason="否"),
        )
    won = [r for r in results if isinstance(r, ActivityReport)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "already" in lost[0].message
    report.refresh_from_db()
    assert report.status == won[0].status and report.version == seen + 1
    decisions = AuditEntry.objects.filter(
        action__in=["activities.report.accepted", "activities.report.returned"]
    )
    assert decisions.count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_clicks_at_once_approve_a_plan_once(
    transactional_db: None, world: World, campaign: Campaign
) -> None:
    plan = make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    reviewer = make_user(org=world.city, role="reviewer")
    url = reverse("plans:review", kwargs={"plan_pk": plan.pk})
    seen = plan.version
    form = {"version": seen, "target": "plan", "decision": "approve"}
    responses = post_at_once(reviewer, url, form)
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 302]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.version == seen + 1
    assert AuditEntry.objects.filter(action="plans.plan.approved").count() == 1
