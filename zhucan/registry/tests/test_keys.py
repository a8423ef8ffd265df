"""Registry keys are explicit and checked: malformed keys fail ``check``, and a key that is not
the one the data was written with (or is missing) stops the start instead of forking the
registry into people nobody finds and duplicates an import adds."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, connections
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto, keycheck
from zhucan.registry.imports.tasks import expire_registry_import
from zhucan.registry.models import KeyCheck, Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.keys import rotate_keys
from zhucan.registry.services.people import find_by_id_number
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person
from zhucan.testing.registry_sheets import id_number as import_id_number
from zhucan.testing.registry_sheets import person_row, workbook_bytes

T2 = "t2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
T1 = "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="
BLIND = "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
# The same ids with other bytes: what a server that made its own keys would have.
OTHER_T2 = "t2:OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="
OTHER_BLIND = "blind:WFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFg="


def _worker() -> Worker:
    """The worker ``db_worker`` runs (its loop closes connections, which a test cannot)."""
    return Worker(
        queue_names=["default"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def _check_errors(spec: str, *, databases: list[str] | None = None) -> str:
    with override_settings(REGISTRY_KEYS=spec), pytest.raises(SystemCheckError) as raised:
        call_command("check", databases=databases)
    return str(raised.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (f"{T2},t3:not*base64,{BLIND}", "Registry key 't3' is not valid base64."),
        (f"{T2},t3:MTIzNA==,{BLIND}", "Registry key 't3' must be 32 bytes, not 4."),
        (f"{T2},{T2},{BLIND}", "Registry key id 't2' is listed twice."),
        (f"{T2},{T1}", "No registry blind-index key"),
        (BLIND, "No registry encryption key is configured."),
        (f"{T2},{BLIND},t$4:abc", "is not id:base64"),
    ],
)
def test_malformed_keys_fail_the_system_check(spec: str, message: str) -> None:
    errors = _check_errors(spec)
    assert "registry.E001" in errors and message in errors


def test_malformed_keys_fail_manage_py_check_with_a_non_zero_exit() -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="zhucan.settings")
    env["ZHUCAN_REGISTRY_KEYS"] = f"{T2},t1:short"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "Registry key 't1' is not valid base64" in result.stderr
    assert "No registry blind-index key" in result.stderr


def test_the_first_start_records_a_check_value_per_key_and_later_starts_compare(db: None) -> None:
    keycheck.verify_keys()
    checks = dict(KeyCheck.objects.values_list("key_id", "check_value"))
    ring = crypto.keyring()
    assert checks == {
        "t2": crypto.check_value(ring.keys["t2"]),
        "t1": crypto.check_value(ring.keys["t1"]),
        "blind": crypto.check_value(ring.blind),
    }
    # The value says nothing about the key itself.
    assert all(ring.keys["t2"].hex() not in value for value in checks.values())
    keycheck.verify_keys()
    assert KeyCheck.objects.count() == 3
    call_command("check", databases=["default"])


def test_a_wrong_key_is_a_startup_error_not_a_registry_that_forks(world: World) -> None:
    person = make_person(world)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    keycheck.verify_keys()
    for wrong, name in ((f"{OTHER_T2},{T1},{BLIND}", "t2"), (f"{T2},{T1},{OTHER_BLIND}", "blind")):
        with override_settings(REGISTRY_KEYS=wrong):
            with pytest.raises(keycheck.KeyCheckError, match=f"Registry key '{name}' is not the"):
                keycheck.verify_keys()
            assert "registry.E002" in _check_errors(wrong, databases=["default"])
            # The web entry point refuses to start; so does each background task.
            with pytest.raises(keycheck.KeyCheckError):
                importlib.reload(importlib.import_module("zhucan.wsgi"))
            # The worker process refuses to start, naming the check.
            with pytest.raises(SystemCheckError, match="registry.E002"):
                call_command("db_worker", "--batch")
            # A worker with these keys fails its tasks with the reason instead of running them.
            expire_registry_import.enqueue(0)
            _worker().run_task(DBTaskResult.objects.get())
            failed = DBTaskResult.objects.get()
            assert failed.status == TaskResultStatus.FAILED
            assert failed.exception_class_path.endswith("KeyCheckError")
            assert f"Registry key '{name}' is not the" in failed.traceback
            failed.delete()
    # The right keys still find the person.
    assert find_by_id_number(Person.objects.all(), number) == person


def test_a_key_the_data_uses_must_stay_configured_until_a_rotation_retires_it(world: World) -> None:
    with override_settings(REGISTRY_KEYS=f"{T1},{BLIND}"):
        keycheck.verify_keys()
        make_person(world)
    keycheck.verify_keys()  # t2 added in front: recorded, t1 kept
    without_t1 = f"{T2},{BLIND}"
    with override_settings(REGISTRY_KEYS=without_t1):
        with pytest.raises(keycheck.KeyCheckError, match="under the field encryption key 't1'"):
            keycheck.verify_keys()
    rotate_keys(batch_size=10)
    assert KeyCheck.objects.get(key_id="t1").retired_at is not None
    with override_settings(REGISTRY_KEYS=without_t1):
        keycheck.verify_keys()


def test_a_database_from_before_the_checks_is_tried_before_its_keys_are_recorded(
    world: World,
) -> None:
    """Nothing recorded yet (an existing registry): fresh keys must not be taken as its own."""
    make_person(world)
    assert not KeyCheck.objects.exists()
    for spec, message in (
        (f"k9:{T2[3:]},{BLIND}", "holds data under the key 't2', which is not configured"),
        (f"{OTHER_T2},{T1},{BLIND}", "Registry key 't2' does not open the data"),
        (f"{T2},{T1},{OTHER_BLIND}", "No configured blind-index key gives the search index"),
    ):
        with override_settings(REGISTRY_KEYS=spec):
            with pytest.raises(keycheck.KeyCheckError, match=message):
                keycheck.verify_keys()
        assert not KeyCheck.objects.exists()
    keycheck.verify_keys()
    assert KeyCheck.objects.count() == 3


def test_two_servers_recording_at_once_compare_with_the_one_that_won(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read an empty table; the other server's different t2 is inserted first."""
    real = keycheck._first_sight_problems

    def other_server_first(*args: Any, **kwargs: Any) -> list[str]:
        KeyCheck.objects.create(key_id="t2", kind="field", check_value="0" * 64)
        return real(*args, **kwargs)

    monkeypatch.setattr(keycheck, "_first_sight_problems", other_server_first)
    with pytest.raises(keycheck.KeyCheckError, match="Registry key 't2' is not the key"):
        keycheck.verify_keys()
    assert KeyCheck.objects.filter(key_id="t2").count() == 1


def test_a_reveal_no_key_opens_says_so_instead_of_a_server_error(
    client: Client, world: World
) -> None:
    person = make_person(world)
    # Written under a key this server does not have (a second server with its own keys).
    with override_settings(REGISTRY_KEYS=f"t9:{T2[3:]},{BLIND}"):
        Person.objects.filter(pk=person.pk).update(
            phone_ct=crypto.encrypt("13912345678", field="phone")
        )
    login_verified(client, world.city_officer)
    response = client.post(
        reverse("registry:reveal", args=[person.pk]),
        {"details": ["phone"], "purpose": "home_visit"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be opened with the keys this server has" in body
    assert "13912345678" not in body
    assert not AuditEntry.objects.filter(action="registry.person.revealed").exists()


def test_the_import_command_refuses_wrong_keys_before_it_adds_anyone_again(
    world: World, tmp_path: Path
) -> None:
    make_person(world, number=import_id_number(1))
    keycheck.verify_keys()
    sheet = tmp_path / "花名册.xlsx"
    sheet.write_bytes(workbook_bytes([person_row(1), person_row(2)]))
    with override_settings(REGISTRY_KEYS=f"{T2},{T1},{OTHER_BLIND}"):
        with pytest.raises(keycheck.KeyCheckError, match="Registry key 'blind' is not the"):
            call_command("import_registry", str(sheet), "--org", str(world.county_a.pk))
    assert Person.objects.count() == 1
    assert not RegistryImport.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once")
def test_two_servers_starting_at_once_record_one_value_per_key_and_refuse_a_different_one(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read an empty table, then both record: the same keys agree, different ones lose."""
    barrier = threading.Barrier(2, timeout=10)
    real = keycheck._first_sight_problems

    def together(*args: Any, **kwargs: Any) -> list[str]:
        barrier.wait()  # both have read the empty table before either records
        return real(*args, **kwargs)

    monkeypatch.setattr(keycheck, "_first_sight_problems", together)

    def start(spec: str, outcome: list[str]) -> None:
        try:
            keycheck.verify_keys(spec=spec)
            outcome.append("started")
        except keycheck.KeyCheckError as error:
            outcome.append(str(error))
        finally:
            connections.close_all()

    def race(first: str, second: str) -> list[str]:
        outcome: list[str] = []
        threads = [threading.Thread(target=start, args=(spec, outcome)) for spec in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcome

    same = f"{T2},{BLIND}"
    assert race(same, same) == ["started", "started"]
    assert KeyCheck.objects.count() == 2
    KeyCheck.objects.all().delete()

    outcome = race(same, f"{OTHER_T2},{BLIND}")
    assert len(outcome) == 2 and outcome.count("started") == 1
    assert any("Registry key 't2' is not the key" in value for value in outcome)
    assert KeyCheck.objects.filter(key_id="t2").count() == 1


def test_a_retired_key_put_first_again_must_stay_configured(world: World) -> None:
    with override_settings(REGISTRY_KEYS=f"{T1},{BLIND}"):
        keycheck.verify_keys()
        make_person(world)
    keycheck.verify_keys()
    rotate_keys(batch_size=10)  # everything under t2: t1 retired
    with override_settings(REGISTRY_KEYS=f"{T1},{T2},{BLIND}"):
        keycheck.verify_keys()  # t1 encrypts again
        make_person(world)
    with override_settings(REGISTRY_KEYS=f"{T2},{BLIND}"):
        with pytest.raises(keycheck.KeyCheckError, match="key 't1', which is not configured"):
            keycheck.verify_keys()
