"""Every page of the application is sorted: a create form (it must draw the create token, so
that sending it twice makes one thing: ``core.idempotency``), a create kept once by its own
key (one plan per campaign and organisation, …: the reason is written here), or no create at
all. A new page fails the first test until it is sorted, and a new create form the second until
it carries the token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import county_a_campaign, make_campaign, make_report
from zhucan.testing.urlwalk import URLS, county_a_plan


def _photos(w: World) -> tuple[Any, str]:
    draft = make_report(
        campaign=county_a_campaign(w), organisation=w.county_a_unit, by=w.county_a_officer
    )
    return w.county_a_officer, reverse("activities:photos", kwargs={"report_pk": draft.pk})


def _person(w: World) -> Any:
    from zhucan.testing.factories import make_person

    return make_person(w)


def _received(w: World, name: str) -> tuple[Any, str]:
    """A page that offers the campaigns county A's unit received: there is one."""
    county_a_campaign(w)
    return w.county_a_officer, reverse(name)


def _draft_campaign(w: World) -> Any:
    return make_campaign(issuing_org=w.city, by=w.city_officer, publish=False)


# URL name -> builder(world) of (who opens it, the page that shows the create form).
CREATE_FORMS: dict[str, Callable[[World], tuple[Any, str]]] = {
    "orgs:create": lambda w: (w.city_admin, reverse("orgs:create", args=[w.county_a.pk])),
    "orgs:person_add": lambda w: (w.city_admin, reverse("orgs:person_add", args=[w.county_a.pk])),
    "campaigns:import": lambda w: (w.city_officer, reverse("campaigns:import")),
    "campaigns:attachments": lambda w: (
        w.city_officer,
        reverse("campaigns:attachments", args=[_draft_campaign(w).pk]),
    ),
    "plans:detail": lambda w: (
        w.county_a_officer,
        reverse("plans:detail", args=[county_a_plan(w).pk]),
    ),
    "activities:new": lambda w: (
        w.county_a_officer,
        reverse("activities:new", args=[county_a_campaign(w).pk])
        + f"?organisation={w.county_a_unit.pk}",
    ),
    "activities:quick": lambda w: _received(w, "activities:quick"),
    "activities:photos": _photos,
    "activities:new_media": lambda w: _received(w, "activities:new_media"),
    "activities:institutions": lambda w: (w.county_a_officer, reverse("activities:institutions")),
    "activities:indicators": lambda w: (
        w.city_officer,
        reverse(
            "activities:indicators", args=[make_campaign(issuing_org=w.city, by=w.city_officer).pk]
        ),
    ),
    "registry:new": lambda w: (w.county_a_officer, reverse("registry:new")),
    # The public help form: anyone may open it; a signed-in officer draws the same page.
    "portal:help": lambda w: (w.county_a_officer, reverse("portal:help", args=["410402"])),
    "portal:text_help": lambda w: (
        w.county_a_officer,
        reverse("portal:text_help", args=["410402"]),
    ),
    "registry:assistance_new": lambda w: (
        w.county_a_officer,
        reverse("registry:assistance_new", args=[_person(w).pk]),
    ),
}

# Creates kept once by their own key, and why a repeat cannot make a second one.
KEYED = {
    "orgs:role_grant": "one membership per person, organisation and role (unique)",
    "orgs:import": "each row is checked against the names under its parent (unique per parent)",
    "campaigns:cascade": "one own campaign per committee, under the parent campaign's row lock",
    "campaigns:sign": "one receipt per campaign and organisation, signed once",
    "plans:start": "one plan per campaign and organisation (unique); a repeat goes to it",
    "activities:propose_typical": "one proposal per report, under the report's row lock",
    "activities:import": "each row's report id is derived from the row (UUID5, unique)",
    "registry:visit_people": "one row per person and visit, under the visit's row lock",
    "registry:case_open": "one case per child and school year, under the child's row lock",
    "registry:townships": "one township per name and organisation (unique); a repeat is refused",
    "registry:imports": "an upload is a draft job; importing it is keyed (import_key, unique)",
    "registry:import_confirm": "the import job's key (import_key, unique)",
    "stats:start_export": "an export job is keyed by what it exports while it waits or runs",
    "helprequests:help_given": "one assistance row per help request, under the request's lock",
    "completeness:remind": "one reminder per key (ReminderSent, unique)",
}

# Pages that change or show what exists, and create nothing a user would see twice.
NOT_CREATES = {
    "core:home", "core:audit", "core:healthz", "core:readyz", "core:metrics",
    "accounts:login", "accounts:logout", "accounts:profile", "accounts:password_change",
    "accounts:two_factor_setup", "accounts:two_factor_verify", "accounts:two_factor_backup_codes",
    "accounts:two_factor_reset", "accounts:display", "accounts:session_extend",
    "accounts:session_status",
    # Setting up one's own authenticator, and an administrator's resets: each replaces what the
    # person had (one device, one live enrolment code, one password), so a resend replaces again.
    "accounts:two_factor_enrol", "orgs:person_password_reset", "orgs:person_second_factor_reset",
    "orgs:list", "orgs:detail", "orgs:edit", "orgs:deactivate", "orgs:reactivate",
    "orgs:import_template", "orgs:people", "orgs:membership_remove", "orgs:person_disable",
    "orgs:person_enable",
    "campaigns:list", "campaigns:preview", "campaigns:detail", "campaigns:edit",
    "campaigns:publish", "campaigns:recipients", "campaigns:edit_duties", "campaigns:attachment",
    "campaigns:delete_attachment", "campaigns:close", "campaigns:receipts", "campaigns:matrix",
    "campaigns:notice_file", "campaigns:slogans",
    "plans:list", "plans:overview", "plans:rules", "plans:edit", "plans:submit", "plans:review",
    "plans:docx", "plans:document",
    "activities:list", "activities:detail", "activities:edit", "activities:submit",
    "activities:review", "activities:set_duties", "activities:quick_done", "activities:photo",
    "activities:thumbnail", "activities:import_job_discard",
    "activities:delete_photo", "activities:photo_public_consent", "activities:typical",
    "activities:decide_typical",
    "activities:media", "activities:media_detail", "activities:media_screenshot",
    "activities:media_screenshot_thumb", "activities:template", "activities:export",
    "activities:import_job", "activities:import_job_status", "activities:totals",
    "notifications:list", "notifications:open", "notifications:read", "notifications:read_all",
    "completeness:campaign", "completeness:export", "completeness:reminders",
    "registry:list", "registry:find", "registry:detail", "registry:edit", "registry:reveal",
    "registry:erase", "registry:coverage_index", "registry:coverage", "registry:coverage_export",
    "registry:cases", "registry:children", "registry:case", "registry:import",
    "registry:import_discard", "registry:import_progress", "registry:import_log",
    "registry:import_template", "registry:roster", "registry:roster_export",
    "registry:township_edit", "registry:township_remove",
    "stats:home", "stats:dashboard", "stats:node", "stats:reports", "stats:export",
    "stats:statistical_report", "stats:exports", "stats:export_job", "stats:export_job_status",
    "stats:export_download",
    "summaries:summary", "summaries:docx", "summaries:pdf",
    "activities:institution_public", "activities:publish_typical",
    # The public site only reads; its one link that changes something sets a display cookie.
    "portal:site", "portal:whats_on", "portal:activity", "portal:stories", "portal:story",
    "portal:directory", "portal:contacts", "portal:policies", "portal:print",
    "portal:text_site", "portal:text_whats_on", "portal:text_activity", "portal:text_stories",
    "portal:text_story", "portal:text_directory", "portal:text_contacts",
    "portal:text_policies", "portal:text_print", "portal:photo", "portal:photo_large",
    "portal:display",
    "helprequests:list", "helprequests:spam", "helprequests:deadlines", "helprequests:detail",
    "helprequests:acknowledge", "helprequests:assign", "helprequests:answer",
    "helprequests:transfer", "helprequests:mark_spam", "helprequests:restore",
    "helprequests:link", "helprequests:reveal",
    "portal:help_done", "portal:help_status", "portal:help_reopen",
    "portal:text_help_done", "portal:text_help_status", "portal:text_help_reopen",
}  # fmt: skip

TOKEN = re.compile(r'<input type="hidden" name="client_id" value="[0-9a-f-]{36}"')


def test_every_page_is_sorted_once() -> None:
    names = {name for name, _kwargs in URLS}
    groups = [set(CREATE_FORMS), set(KEYED), NOT_CREATES]
    unsorted = names - set().union(*groups)
    assert not unsorted, f"say whether these pages create something: {sorted(unsorted)}"
    assert not (set(CREATE_FORMS) & set(KEYED)) and not (set(CREATE_FORMS) & NOT_CREATES)
    assert not (set(KEYED) & NOT_CREATES)
    assert set().union(*groups) <= names, "a page listed here no longer exists"


@pytest.mark.parametrize("name", sorted(CREATE_FORMS))
def test_each_create_form_draws_a_token(client: Client, world: World, name: str) -> None:
    user, url = CREATE_FORMS[name](world)
    login_verified(client, user)
    response = client.get(url)
    assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
    tokens = TOKEN.findall(response.content.decode())
    assert tokens, f"{name}: the create form draws no client_id token"
    again = TOKEN.findall(client.get(url).content.decode())
    assert again[0] != tokens[0], f"{name}: the token must be new on every page drawn"
