"""Every URL, for every role of ``orgs/roles.py``, anonymous and another jurisdiction: the answer.

The expected answer is worked out, never copied: each URL names the capability it needs over
county A (``RULES``), and each person's capabilities come from ``ROLE_CAPABILITIES``. A person
whose role grants it gets the URL's answer when allowed (``ok``); one whose role does not gets
``refused`` (403: the page exists for them, the action is not theirs); anonymous people are sent
to sign in; the administrator of county B gets 404 for anything of county A's, as the
architecture demands (outside a jurisdiction nothing is hinted at). Registered people are
personal data: to a role without it they do not exist (404), not only out of reach.

Pages are opened with GET; a POST-only URL is sent a POST with an empty body, or with the few
fields that name its target (``data``), so that the refusal comes before any validation. Each
request is rolled back, so the order of the people asking does not matter.

A URL pattern missing from ``RULES`` fails the test: a new view must say what it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from zhucan.core.tests.factories import (
    ANONYMOUS,
    ROLES,
    STRANGER,
    SUBJECTS,
    MatrixObjects,
    build,
)
from zhucan.orgs.roles import DECIDING_CAPABILITIES, ROLE_CAPABILITIES, Capability
from zhucan.testing.urlwalk import URLS

C = Capability


@dataclass(frozen=True)
class Need:
    """What a URL needs over county A's objects, as a test on a set of capabilities."""

    label: str
    test: Callable[[frozenset[Capability]], bool]

    def allows(self, caps: frozenset[Capability]) -> bool:
        return self.test(caps)

    def __repr__(self) -> str:
        return self.label


def cap(capability: Capability) -> Need:
    return Need(capability.value, lambda caps: capability in caps)


def any_of(*capabilities: Capability) -> Need:
    return Need(
        " or ".join(c.value for c in capabilities),
        lambda caps: any(c in caps for c in capabilities),
    )


def all_of(*capabilities: Capability) -> Need:
    return Need(
        " and ".join(c.value for c in capabilities),
        lambda caps: all(c in caps for c in capabilities),
    )


SIGNED_IN = Need("signed in", lambda caps: True)
# Something that belongs to the one person who made it (an export job): nobody else opens it.
ITS_OWNER = Need("its owner", lambda caps: False)
DECIDES = any_of(*sorted(DECIDING_CAPABILITIES))
KEEPS_REGISTRY = all_of(C.PERSONAL_DATA, C.REPORT)


@dataclass(frozen=True)
class Rule:
    needs: Need = SIGNED_IN
    method: str = "GET"
    ok: int = 200  # the answer for someone allowed (a POST with an empty body)
    refused: int = 403
    public: bool = False  # open without signing in (answers ``ok`` to everyone)
    when_signed_in: int | None = None  # a public page's answer to someone signed in
    # Objects that only a role with this capability may know exist (404 for the others).
    seen_with: Capability | None = None
    # POST field -> key of MatrixObjects.objects whose pk it carries.
    data: dict[str, str] = field(default_factory=dict)
    # URL keyword -> key of MatrixObjects.objects (or .own), when not the default below.
    args: dict[str, str] = field(default_factory=dict)


POST = "POST"
# URL keyword -> the object it names unless a rule says otherwise.
DEFAULT_ARGS = {
    "org_pk": "org",
    "membership_pk": "membership",
    "user_pk": "user",
    "campaign_pk": "campaign",
    "receipt_pk": "receipt",
    "attachment_pk": "attachment",
    "plan_pk": "submitted_plan",
    "notification_pk": "notification",
    "report_pk": "submitted_report",
    "client_id": "quick_report",
    "typical_pk": "typical",
    "photo_pk": "photo",
    "media_pk": "media",
    "person_pk": "person",
    "case_pk": "case",
    "visit_pk": "visit",
    "import_pk": "import",
    "township_pk": "township",
    "export_pk": "export",
    # A public site is named by its region code (GB/T 2260), not by a key.
    "code": "node",
    "activity_pk": "planned_activity",
    "institution_pk": "institution",
    "request_pk": "help_request",
}

R = Rule
RULES: dict[str, Rule] = {
    # Signing in and one's own account.
    "core:healthz": R(public=True),
    # Readiness and metrics are for probes; /metrics answers only the allowed networks
    # (loopback by default, which the test client is).
    "core:readyz": R(public=True),
    "core:metrics": R(public=True),
    "accounts:login": R(public=True, when_signed_in=302),
    "accounts:display": R(method=POST, ok=302, public=True),
    "accounts:logout": R(method=POST, ok=302, public=True),
    "core:home": R(),
    "core:audit": R(cap(C.AUDIT)),
    "accounts:profile": R(),
    "accounts:password_change": R(),
    "accounts:session_extend": R(method=POST, ok=302),
    "accounts:session_status": R(),
    # Everyone here has signed in with a confirmed app: these steps send them on.
    "accounts:two_factor_backup_codes": R(ok=302),
    "accounts:two_factor_enrol": R(ok=302),
    "accounts:two_factor_reset": R(),
    "accounts:two_factor_setup": R(ok=302),
    "accounts:two_factor_verify": R(ok=302),
    "notifications:list": R(),
    "notifications:open": R(method=POST, ok=302),
    "notifications:read": R(method=POST, ok=302),
    "notifications:read_all": R(method=POST, ok=302),
    # The organisation tree and its people.
    "orgs:list": R(),
    "orgs:detail": R(),
    "orgs:create": R(cap(C.MANAGE_ORGS)),
    "orgs:edit": R(cap(C.MANAGE_ORGS)),
    "orgs:deactivate": R(cap(C.MANAGE_ORGS)),
    "orgs:reactivate": R(cap(C.MANAGE_ORGS), args={"org_pk": "inactive_org"}),
    "orgs:import": R(cap(C.MANAGE_ORGS)),
    "orgs:import_template": R(cap(C.MANAGE_ORGS)),
    "orgs:people": R(),
    "orgs:person_add": R(cap(C.MANAGE_PEOPLE)),
    "orgs:role_grant": R(cap(C.MANAGE_PEOPLE)),
    "orgs:membership_remove": R(cap(C.MANAGE_PEOPLE)),
    "orgs:person_disable": R(cap(C.MANAGE_PEOPLE)),
    "orgs:person_enable": R(cap(C.MANAGE_PEOPLE)),
    "orgs:person_password_reset": R(cap(C.MANAGE_PEOPLE)),
    "orgs:person_second_factor_reset": R(cap(C.MANAGE_PEOPLE)),
    # Campaigns and notices.
    "campaigns:list": R(),
    "campaigns:import": R(cap(C.COORDINATE)),
    "campaigns:preview": R(cap(C.COORDINATE), method=POST),
    "campaigns:detail": R(),
    "campaigns:edit": R(cap(C.COORDINATE), args={"campaign_pk": "draft_campaign"}),
    "campaigns:publish": R(cap(C.COORDINATE), args={"campaign_pk": "draft_campaign"}),
    "campaigns:recipients": R(cap(C.COORDINATE)),
    "campaigns:cascade": R(
        cap(C.COORDINATE),
        method=POST,
        ok=302,
        args={"campaign_pk": "fresh_campaign"},
        data={"organisation": "node"},
    ),
    "campaigns:edit_duties": R(cap(C.COORDINATE)),
    "campaigns:attachments": R(),
    "campaigns:attachment": R(),
    "campaigns:delete_attachment": R(cap(C.COORDINATE), method=POST, ok=302),
    "campaigns:close": R(
        cap(C.COORDINATE), method=POST, ok=302, args={"campaign_pk": "closing_campaign"}
    ),
    "campaigns:receipts": R(),
    "campaigns:sign": R(any_of(C.REPORT, C.COORDINATE), method=POST, ok=302),
    "campaigns:matrix": R(),
    "campaigns:notice_file": R(),
    "campaigns:slogans": R(),
    # Plans.
    "plans:list": R(),
    "plans:overview": R(any_of(C.REVIEW, C.COORDINATE)),
    "plans:start": R(
        cap(C.REPORT),
        method=POST,
        ok=302,
        args={"campaign_pk": "fresh_campaign"},
        data={"organisation": "org"},
    ),
    "plans:rules": R(),
    "plans:detail": R(),
    "plans:edit": R(cap(C.REPORT), args={"plan_pk": "draft_plan"}),
    "plans:submit": R(cap(C.REPORT), method=POST, ok=302, args={"plan_pk": "draft_plan"}),
    "plans:review": R(cap(C.REVIEW)),
    "plans:docx": R(),
    "plans:document": R(ok=302),
    # Activity reports.
    "activities:list": R(),
    "activities:new": R(cap(C.REPORT), args={"campaign_pk": "fresh_campaign"}),
    "activities:detail": R(),
    "activities:edit": R(cap(C.REPORT), args={"report_pk": "draft_report"}),
    "activities:submit": R(cap(C.REPORT), method=POST, ok=302, args={"report_pk": "draft_report"}),
    "activities:review": R(DECIDES, method=POST, ok=302),
    "activities:set_duties": R(DECIDES, method=POST, ok=302),
    # The phone's page opens for everyone; with nothing to report for, it says so.
    "activities:quick": R(),
    "activities:quick_done": R(),
    "activities:photos": R(args={"report_pk": "draft_report"}),
    "activities:photo": R(),
    "activities:thumbnail": R(),
    "activities:delete_photo": R(cap(C.REPORT), method=POST, ok=302),
    "activities:photo_public_consent": R(cap(C.REPORT)),
    "activities:propose_typical": R(
        any_of(C.REPORT, C.COORDINATE), args={"report_pk": "accepted_report"}
    ),
    "activities:typical": R(),
    "activities:decide_typical": R(DECIDES, method=POST, ok=302),
    "activities:publish_typical": R(DECIDES, method=POST, ok=302),
    "activities:media": R(),
    "activities:new_media": R(cap(C.REPORT)),
    "activities:media_detail": R(),
    "activities:media_screenshot": R(),
    "activities:media_screenshot_thumb": R(),
    "activities:institutions": R(),
    "activities:institution_public": R(cap(C.COORDINATE)),
    "activities:template": R(cap(C.REPORT)),
    "activities:import": R(cap(C.REPORT)),
    # Import jobs are seen in the whole jurisdiction, as the reports they make.
    "activities:import_job": R(),
    "activities:import_job_status": R(),
    # The job is named in the body and looked up first: an empty body is 404 for everyone
    # (test_import_jobs covers who may discard one).
    "activities:import_job_discard": R(method=POST, ok=404, refused=404),
    "activities:export": R(),
    "activities:totals": R(),
    "activities:indicators": R(),
    # Completeness.
    "completeness:campaign": R(),
    "completeness:export": R(),
    "completeness:remind": R(cap(C.COORDINATE), method=POST, ok=302),
    "completeness:reminders": R(),
    # The registry of disabled people.
    "registry:list": R(cap(C.PERSONAL_DATA)),
    "registry:find": R(cap(C.PERSONAL_DATA), method=POST),
    "registry:new": R(KEEPS_REGISTRY),
    "registry:detail": R(cap(C.PERSONAL_DATA), seen_with=C.PERSONAL_DATA),
    "registry:edit": R(KEEPS_REGISTRY, seen_with=C.PERSONAL_DATA),
    "registry:reveal": R(cap(C.REVEAL_PERSONAL_DATA), seen_with=C.PERSONAL_DATA),
    "registry:erase": R(KEEPS_REGISTRY, seen_with=C.PERSONAL_DATA),
    "registry:assistance_new": R(KEEPS_REGISTRY, seen_with=C.PERSONAL_DATA),
    "registry:visit_people": R(KEEPS_REGISTRY),
    "registry:coverage_index": R(cap(C.PERSONAL_DATA)),
    "registry:coverage": R(cap(C.PERSONAL_DATA)),
    "registry:coverage_export": R(cap(C.PERSONAL_DATA)),
    "registry:cases": R(cap(C.PERSONAL_DATA)),
    "registry:children": R(cap(C.PERSONAL_DATA)),
    "registry:case": R(cap(C.PERSONAL_DATA), seen_with=C.PERSONAL_DATA),
    "registry:case_open": R(KEEPS_REGISTRY, method=POST, ok=302, seen_with=C.PERSONAL_DATA),
    "registry:imports": R(KEEPS_REGISTRY),
    "registry:import_template": R(KEEPS_REGISTRY),
    "registry:import_log": R(
        Need("audit, or keep the registry", lambda c: C.AUDIT in c or KEEPS_REGISTRY.allows(c))
    ),
    "registry:import": R(KEEPS_REGISTRY),
    "registry:import_confirm": R(KEEPS_REGISTRY, method=POST, ok=302),
    "registry:import_discard": R(KEEPS_REGISTRY, method=POST, ok=302),
    "registry:import_progress": R(KEEPS_REGISTRY),
    "registry:townships": R(cap(C.PERSONAL_DATA)),
    "registry:township_edit": R(KEEPS_REGISTRY, seen_with=C.PERSONAL_DATA),
    "registry:township_remove": R(KEEPS_REGISTRY, method=POST, ok=302, seen_with=C.PERSONAL_DATA),
    "registry:roster": R(cap(C.PERSONAL_DATA)),
    "registry:roster_export": R(cap(C.PERSONAL_DATA)),
    # Statistics and the summary report.
    "stats:home": R(ok=302),
    "stats:dashboard": R(),
    "stats:node": R(),
    "stats:reports": R(),
    "stats:export": R(),
    "stats:statistical_report": R(),
    "stats:start_export": R(),
    "stats:exports": R(),
    "stats:export_job": R(ITS_OWNER),
    "stats:export_job_status": R(ITS_OWNER),
    "stats:export_download": R(ITS_OWNER),
    "summaries:summary": R(),
    "summaries:docx": R(),
    "summaries:pdf": R(),
    # Help requests inside: seen in the jurisdiction, run by the county's coordinators.
    "helprequests:list": R(),
    "helprequests:spam": R(cap(C.COORDINATE)),
    "helprequests:deadlines": R(cap(C.COORDINATE)),
    "helprequests:detail": R(),
    "helprequests:acknowledge": R(cap(C.COORDINATE), method=POST, ok=302),
    "helprequests:assign": R(cap(C.COORDINATE), method=POST, ok=302),
    # Unassigned, so only the county's coordinators may answer it.
    "helprequests:answer": R(cap(C.COORDINATE), method=POST, ok=302),
    "helprequests:transfer": R(cap(C.COORDINATE), method=POST, ok=302),
    "helprequests:mark_spam": R(cap(C.COORDINATE), method=POST, ok=302),
    "helprequests:restore": R(cap(C.COORDINATE), method=POST, ok=302),
    "helprequests:link": R(all_of(C.COORDINATE, C.PERSONAL_DATA), method=POST, ok=302),
    "helprequests:help_given": R(all_of(C.COORDINATE, C.PERSONAL_DATA), method=POST, ok=302),
    "helprequests:reveal": R(cap(C.REVEAL_PERSONAL_DATA)),
    # The public door: open to everyone, signed in or not.
    "portal:site": R(public=True),
    **{
        f"portal:{prefix}{page}": R(public=True)
        for prefix in ("", "text_")
        for page in ("whats_on", "stories", "directory", "contacts", "policies", "print")
    },
    "portal:text_site": R(public=True),
    # County A's activity, typical activity and photo are not published: not found, for
    # everyone, signed in or not, of county A or not.
    "portal:activity": R(public=True, ok=404),
    "portal:text_activity": R(public=True, ok=404),
    "portal:story": R(public=True, ok=404),
    "portal:text_story": R(public=True, ok=404),
    "portal:photo": R(public=True, ok=404),
    "portal:photo_large": R(public=True, ok=404),
    "portal:display": R(public=True, ok=303),
    **{
        f"portal:{prefix}{page}": R(public=True)
        for prefix in ("", "text_")
        for page in ("help", "help_done", "help_status")
    },
    # An empty body is a form with errors, shown again.
    "portal:help_reopen": R(public=True, method=POST),
    "portal:text_help_reopen": R(public=True, method=POST),
}
# URL keywords that name no object of county A's.
NOT_OBJECTS = {"fmt", "code", "number"}
FIXED_VALUES = {"fmt": "docx", "number": "QZABCDEFGH23"}


def expected(name: str, subject: str, takes_object: bool) -> int:
    rule = RULES[name]
    if rule.public:
        if subject != ANONYMOUS and rule.when_signed_in is not None:
            return rule.when_signed_in
        return rule.ok
    if subject == ANONYMOUS:
        return 302
    if subject == STRANGER:
        if takes_object:
            return 404
        caps = frozenset(Capability)
    else:
        caps = ROLE_CAPABILITIES[subject]
    if takes_object and rule.seen_with is not None and rule.seen_with not in caps:
        return 404
    return rule.ok if rule.needs.allows(caps) else rule.refused


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any) -> Iterator[MatrixObjects]:
    """Built once in a transaction that is rolled back after the module, as setUpTestData."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _url(m: MatrixObjects, name: str, kwargs: tuple[str, ...], subject: str) -> str:
    rule = RULES[name]
    values = {}
    for key in kwargs:
        if key in FIXED_VALUES:
            values[key] = FIXED_VALUES[key]
            continue
        which = rule.args.get(key, DEFAULT_ARGS[key])
        if which in m.own:
            obj = m.own[which][subject if subject in m.own[which] else ROLES[0]]
        else:
            obj = m.objects[which]
        if key == "client_id":
            values[key] = obj.client_id
        elif key == "code":
            values[key] = obj.region_id
        else:
            values[key] = obj.pk
    return reverse(name, kwargs=values)


def answer(m: MatrixObjects, name: str, kwargs: tuple[str, ...], subject: str) -> int:
    client = Client()
    if subject != ANONYMOUS:
        client.force_login(m.people[subject])
        _verify(client, m.people[subject])
    url = _url(m, name, kwargs, subject)
    # Each request is undone, so that one person's action does not change the next one's page.
    with transaction.atomic():
        if RULES[name].method == POST:
            data = {key: m.objects[which].pk for key, which in RULES[name].data.items()}
            response = client.post(url, data)
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    if response.status_code == 302 and subject == ANONYMOUS and not RULES[name].public:
        location = response["Location"]
        assert location.startswith(resolve_url(settings.LOGIN_URL)), location
    return response.status_code


def _verify(client: Client, user: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


def test_every_url_has_a_rule() -> None:
    names = {name for name, _ in URLS}
    assert sorted(names - RULES.keys()) == [], "add these URLs to RULES"
    assert sorted(RULES.keys() - names) == [], "these URLs are gone: remove them from RULES"
    kwargs = {k for _, ks in URLS for k in ks}
    assert sorted(kwargs - DEFAULT_ARGS.keys() - FIXED_VALUES.keys()) == []


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_permission_matrix(
    db: None, matrix: MatrixObjects, name: str, kwargs: tuple[str, ...]
) -> None:
    if name not in RULES:
        pytest.fail(f"{name} has no rule in RULES")
    takes_object = any(k not in NOT_OBJECTS for k in kwargs)
    got = {who: answer(matrix, name, kwargs, who) for who in SUBJECTS}
    want = {who: expected(name, who, takes_object) for who in SUBJECTS}
    wrong = {who: f"{got[who]} (expected {want[who]})" for who in SUBJECTS if got[who] != want[who]}
    assert not wrong, f"{name} needs {RULES[name].needs!r}: {wrong}"
