"""Exact ID searches are audited as a keyed token and limited per hour; reveals need a purpose
from the list and no number in their note; a burst of either alerts the auditors."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import Settings

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.notifications.models import Notification
from zhucan.registry import crypto
from zhucan.registry.models import RegistryLookup
from zhucan.registry.services import lookups
from zhucan.registry.services.lookups import LookupLimitError, audit_token, find_person
from zhucan.registry.services.privacy import erase_person, holds_a_number, reveal_person
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import id_number, make_person


def _log_text() -> str:
    return " ".join(f"{e.object_repr} {e.changes}" for e in AuditEntry.objects.all())


def test_every_search_is_audited_as_a_token_never_the_number(client: Client, world: World) -> None:
    person = make_person(world)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    guess = id_number()
    login_verified(client, world.county_a_officer)
    client.post(reverse("registry:find"), {"id_number": number})
    client.post(reverse("registry:find"), {"id_number": guess})
    found, missed = AuditEntry.objects.filter(action="registry.person.searched").order_by("pk")
    assert found.changes == {"token": audit_token(number), "found": True}
    assert found.object_id == str(person.pk)
    assert missed.changes == {"token": audit_token(guess), "found": False}
    assert missed.org_path == world.county_a.path  # the searcher's auditors see it
    # Neither the number, nor its mask or birth date, nor the blind index of the person table.
    log = _log_text()
    for text in (number, guess, number[6:14], number[-4:], person.id_index, guess[-4:]):
        assert text not in log
    assert audit_token(number) != audit_token(guess)
    assert RegistryLookup.objects.filter(user=world.county_a_officer, kind="search").count() == 2


def test_searches_past_the_hourly_limit_are_refused_with_a_message(
    client: Client, world: World, settings: Settings
) -> None:
    settings.REGISTRY_SEARCHES_PER_HOUR = 3
    person = make_person(world)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    login_verified(client, world.county_a_officer)
    for _ in range(3):
        assert client.post(reverse("registry:find"), {"id_number": id_number()}).status_code == 200
    # The fourth, even for a number that is registered: a message, no answer, no error page.
    response = client.post(reverse("registry:find"), {"id_number": number})
    assert response.status_code == 200
    assert "searched by ID number 3 times in the last hour" in response.content.decode()
    refused = AuditEntry.objects.get(action="registry.person.search_refused")
    assert refused.changes["token"] == audit_token(number)
    # The visit page's search box is the same search, under the same limit.
    with pytest.raises(LookupLimitError):
        find_person(by=world.county_a_officer, raw=number)
    # An hour later the count starts again.
    RegistryLookup.objects.update(at=timezone.now() - timedelta(minutes=61))
    assert find_person(by=world.county_a_officer, raw=number) == person


def test_the_limit_is_kept_in_the_database_for_every_process(
    world: World, settings: Settings
) -> None:
    # Searches made by another server process are rows, not entries of this process's cache.
    settings.REGISTRY_SEARCHES_PER_HOUR = 5
    RegistryLookup.objects.bulk_create(
        RegistryLookup(user=world.county_a_officer, kind="search") for _ in range(5)
    )
    with pytest.raises(LookupLimitError):
        find_person(by=world.county_a_officer, raw=id_number())
    assert find_person(by=world.county_b_officer, raw=id_number()) is None  # per person


def test_the_limit_message_is_in_chinese(world: World, settings: Settings) -> None:
    settings.REGISTRY_SEARCHES_PER_HOUR = 0
    with translation.override("zh-hans"), pytest.raises(LookupLimitError) as refused:
        find_person(by=world.county_a_officer, raw=id_number())
    assert "小时" in refused.value.message


def test_a_burst_of_searches_and_reveals_alerts_the_auditors_once(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REGISTRY_BURST_LOOKUPS = 4
    person = make_person(world)
    officer = world.county_a_officer
    for _ in range(2):
        find_person(by=officer, raw=id_number())
    reveal_person(by=officer, person=person, purpose="home_visit", fields=["phone"])
    assert not Notification.objects.exists()
    reveal_person(by=officer, person=person, purpose="correction", fields=["id_number"])
    alert = Notification.objects.get()
    assert alert.user == world.city_auditor and alert.kind == "registry_burst"
    assert "张伟" in alert.title
    burst = AuditEntry.objects.get(action="registry.lookups.burst")
    assert burst.actor == officer
    assert burst.changes["kinds"] == {"search": 2, "reveal": 2, "refused": 0}
    # Not again within the window …
    find_person(by=officer, raw=id_number())
    assert Notification.objects.count() == 1
    # … but again once the window has passed and a new burst builds up.
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr(lookups, "timezone", SimpleNamespace(now=lambda: later))
    for _ in range(4):
        find_person(by=officer, raw=id_number())
    assert Notification.objects.count() == 2
    assert AuditEntry.objects.filter(action="registry.lookups.burst").count() == 2


@pytest.mark.parametrize(
    "note",
    [
        "核对身份证410422…及电话158…",
        "410422 1985 0312 0021",
        "410422-1985-03-12-0021",
        "４１０４２２１９８５",
        "电话 139-2012-1234",
        "139****5678",
        "电话158…",
        "尾号…0021",
        "41042219850312002x",
    ],
)
def test_a_note_with_a_number_in_it_is_refused(world: World, note: str) -> None:
    person = make_person(world)
    assert holds_a_number(note)
    with pytest.raises(DomainError) as refused:
        reveal_person(
            by=world.county_a_officer, person=person, purpose="other", note=note, fields=["phone"]
        )
    assert refused.value.field == "note"
    with pytest.raises(DomainError):
        erase_person(by=world.county_a_officer, person=person, reason=note)
    assert not AuditEntry.objects.filter(action__startswith="registry.person.reveal").exists()
    assert not AuditEntry.objects.filter(action="registry.person.erased").exists()


@pytest.mark.parametrize(
    "note",
    ["电话联系监护人安排入户走访", "本人申请（2020-06-01 书面）", "2020年6月1日来电", "第3次入户"],
)
def test_a_note_about_the_work_is_kept(world: World, note: str) -> None:
    person = make_person(world)
    reveal_person(
        by=world.county_a_officer, person=person, purpose="other", note=note, fields=["phone"]
    )
    entry = AuditEntry.objects.get(action="registry.person.revealed")
    assert entry.changes["note"] == note and entry.changes["purpose"] == "other"


def test_a_purpose_comes_from_the_list_and_other_needs_a_note(world: World) -> None:
    person = make_person(world)
    for purpose, note in (("curious", ""), ("", ""), ("other", ""), ("other", "看")):
        with pytest.raises(DomainError):
            reveal_person(
                by=world.county_a_officer,
                person=person,
                purpose=purpose,
                note=note,
                fields=["phone"],
            )
    assert not AuditEntry.objects.filter(action="registry.person.revealed").exists()


def test_the_reveal_page_refuses_a_number_in_the_note_in_chinese(
    client: Client, world: World
) -> None:
    person = make_person(world)
    login_verified(client, world.county_a_officer)
    # The language the middleware turns on is put back after the page (override restores it).
    with translation.override("zh-hans"):
        response = client.post(
            reverse("registry:reveal", args=[person.pk]),
            {"details": ["phone"], "purpose": "other", "note": "核对身份证410422…"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    body = response.content.decode()
    assert response.status_code == 200 and "13912345678" not in body
    assert "部分号码也不行" in body
    assert not AuditEntry.objects.filter(action="registry.person.revealed").exists()


def test_the_visit_pages_search_by_number_is_audited_and_limited(
    client: Client, world: World, settings: Settings
) -> None:
    from zhucan.testing.factories import make_visit

    settings.REGISTRY_SEARCHES_PER_HOUR = 1
    visit = make_visit(world)
    person = make_person(world)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    login_verified(client, world.county_a_officer)
    url = reverse("registry:visit_people", kwargs={"visit_pk": visit.pk})
    found = client.post(url, {"search": "1", "q": number})
    assert list(dict(found.context["form"].fields["people"].choices)) == [person.pk]
    entry = AuditEntry.objects.get(action="registry.person.searched")
    assert entry.changes == {"token": audit_token(number), "found": True}
    again = client.post(url, {"search": "1", "q": number})
    assert again.status_code == 200
    assert "in the last hour" in again.content.decode()
    assert not list(dict(again.context["form"].fields["people"].choices))
    # A name search is no ID search: neither counted nor limited.
    by_name = client.post(url, {"search": "1", "q": "李"})
    assert list(dict(by_name.context["form"].fields["people"].choices)) == [person.pk]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_processes_cannot_both_take_the_last_search(
    transactional_db: None, world: World, settings: Settings
) -> None:
    settings.REGISTRY_SEARCHES_PER_HOUR = 3
    officer = world.county_a_officer
    RegistryLookup.objects.bulk_create(
        RegistryLookup(user=officer, kind="search") for _ in range(2)
    )
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def search() -> None:
        try:
            start.wait()
            find_person(by=officer, raw=id_number())
            outcomes.append("searched")
        except LookupLimitError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "searched"]
    assert RegistryLookup.objects.filter(user=officer, kind="search").count() == 3
