"""The audit chain (core/seals.py, core/seal_check.py): entries are sealed in batches that
follow on from entry 1, and a changed, removed or added entry or seal is found and named.

On SQLite and PostgreSQL alike; the triggers, roles and concurrent sealers are in
test_audit_database.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from zhucan.core import audit
from zhucan.core.models import AuditEntry, AuditSeal, AuditSealAppendOnlyError
from zhucan.core.seal_check import parse_anchor, verify_chain
from zhucan.core.seals import ENTRY_COLUMNS, GENESIS, encode_entry, seal_pending

pytestmark = pytest.mark.django_db

LATER = timedelta(hours=1)  # a clock far enough on for every entry to be past the margin


def write(count: int, *, at: datetime | None = None) -> list[AuditEntry]:
    """``count`` audit entries, written as a service writes them (at ``at``, if given)."""
    entries = []
    with pytest.MonkeyPatch.context() as patch:
        if at is not None:
            patch.setattr(timezone, "now", lambda: at)
        for n in range(count):
            with transaction.atomic():
                entries.append(
                    audit.record(
                        by=None, action="test.chained", changes={"n": n, "名": ["甲", None, 1.5]}
                    )
                )
    return entries


def seal_all(*, batch: int = 10) -> list[AuditSeal]:
    return seal_pending(now=timezone.now() + LATER, batch=batch).seals


@contextmanager
def past_the_triggers() -> Iterator[Any]:
    """Raw SQL as a database superuser could run it: on PostgreSQL with the append-only triggers
    off (``session_replication_role``), as after an edited dump is restored."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def broken(**kwargs: Any) -> str:
    """The message of ``verify_audit_chain`` failing; asserts its exit status."""
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit_chain", **kwargs)
    assert raised.value.returncode == 1
    return str(raised.value)


# --- Sealing ----------------------------------------------------------------------------------


def test_entries_are_sealed_in_batches_that_follow_on_from_entry_one() -> None:
    entries = write(25)

    seals = seal_all(batch=10)

    assert [s.entries for s in seals] == [10, 10, 5]
    assert seals[0].first_id == 1 and seals[0].previous_hash == GENESIS
    assert seals[0].last_id == entries[9].pk
    for before, after in zip(seals, seals[1:], strict=False):
        assert after.first_id == before.last_id + 1
        assert after.previous_hash == before.hash
    assert seals[-1].last_id == entries[-1].pk
    report = verify_chain()
    assert report.ok and report.seals == 3 and report.entries == 25 and report.unsealed == 0


def test_sealing_again_seals_nothing_and_new_entries_extend_the_chain() -> None:
    write(3)
    [first] = seal_all()

    assert seal_all() == []
    assert AuditSeal.objects.count() == 1

    later = write(2)
    [second] = seal_all()
    assert (second.first_id, second.last_id) == (first.last_id + 1, later[-1].pk)
    assert second.previous_hash == first.hash
    assert verify_chain().ok


def test_entries_newer_than_the_margin_are_left_for_a_later_run(settings: Any) -> None:
    settings.AUDIT_SEAL_MARGIN_SECONDS = 300
    now = timezone.now()
    old = write(2, at=now - timedelta(minutes=6))
    recent = write(2, at=now - timedelta(minutes=4))

    run = seal_pending(now=now)

    assert [(s.last_id, s.entries) for s in run.seals] == [(old[-1].pk, 2)]
    assert verify_chain().unsealed == 2
    [rest] = seal_pending(now=now + timedelta(minutes=2)).seals
    assert (rest.first_id, rest.last_id, rest.entries) == (old[-1].pk + 1, recent[-1].pk, 2)


def test_nothing_to_seal_makes_no_seal() -> None:
    run = seal_pending(now=timezone.now() + LATER)
    assert run.seals == [] and run.latest is None
    assert verify_chain().ok


def test_a_seal_covers_every_column_of_an_audit_entry() -> None:
    # A column added to AuditEntry and not to ENTRY_COLUMNS could be changed unnoticed.
    assert list(ENTRY_COLUMNS) == [f.attname for f in AuditEntry._meta.concrete_fields]


def test_the_encoding_tells_entries_apart_and_ignores_the_order_of_keys() -> None:
    at = timezone.now()
    row = (1, at, None, "a", "bc", "", "", "", "", {"x": 1, "y": [2]}, None, "", "")
    shifted = (1, at, None, "ab", "c", "", "", "", "", {"x": 1, "y": [2]}, None, "", "")
    reordered = (1, at, None, "a", "bc", "", "", "", "", {"y": [2], "x": 1}, None, "", "")
    assert encode_entry(row) != encode_entry(shifted)
    assert encode_entry(row) == encode_entry(reordered)
    assert encode_entry(row).endswith(b"\n") and encode_entry(row).count(b"\n") == 1


def test_the_application_cannot_change_or_delete_a_seal() -> None:
    write(1)
    [seal] = seal_all()
    with pytest.raises(AuditSealAppendOnlyError):
        seal.save()
    with pytest.raises(AuditSealAppendOnlyError):
        seal.delete()
    with pytest.raises(AuditSealAppendOnlyError):
        AuditSeal.objects.filter(pk=seal.pk).update(hash=GENESIS)
    with pytest.raises(AuditSealAppendOnlyError):
        AuditSeal.objects.all().delete()


def test_a_run_reports_when_the_newest_seal_no_longer_matches(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = write(2)
    [seal] = seal_all()
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entries[0].pk])

    with caplog.at_level(logging.ERROR, logger="zhucan.core.seals"):
        run = seal_pending(now=timezone.now() + LATER)

    assert not run.latest_intact
    assert f"Audit seal {seal.pk} (entries 1-{seal.last_id}) no longer matches" in caplog.text


# --- The command and the periodic task --------------------------------------------------------


def test_seal_audit_prints_the_latest_seal_to_keep(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seal_audit")
    assert "Nothing ready to seal." in capsys.readouterr().out

    write(3, at=timezone.now() - timedelta(hours=1))
    call_command("seal_audit")
    seal = AuditSeal.objects.get()
    out = capsys.readouterr().out
    assert f"Sealed 3 entries (1-{seal.last_id}) in 1 seal(s)." in out
    assert f"Latest seal: {seal.last_id}:{seal.hash}" in out


def test_the_sealing_task_seals_and_queues_its_next_run() -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from zhucan.core.tasks import SEAL_TASK_PATH, ensure_sealing_scheduled, seal_audit_entries

    write(2, at=timezone.now() - timedelta(hours=1))
    assert ensure_sealing_scheduled()
    assert not ensure_sealing_scheduled()  # one waiting run is enough

    DBTaskResult.objects.filter(task_path=SEAL_TASK_PATH).update(status=TaskResultStatus.SUCCESSFUL)
    assert seal_audit_entries.call() == 2

    waiting = DBTaskResult.objects.get(task_path=SEAL_TASK_PATH, status=TaskResultStatus.READY)
    assert waiting.run_after is not None and waiting.run_after > timezone.now()
    assert AuditSeal.objects.count() == 1


# --- Verification -----------------------------------------------------------------------------


def test_a_clean_chain_verifies_and_prints_its_latest_seal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(12)
    seals = seal_all(batch=5)
    write(1)  # not sealed yet

    call_command("verify_audit_chain", expect=[f"{seals[1].last_id}:{seals[1].hash}"])

    out = capsys.readouterr().out
    assert "Audit chain intact: 3 seal(s), 12 entries" in out
    assert "1 newer entries are not sealed yet" in out
    assert f"Latest seal: {seals[-1].last_id}:{seals[-1].hash}" in out


def test_changed_data_of_an_entry_breaks_the_hash_of_its_seal() -> None:
    entries = write(12)
    seals = seal_all(batch=5)
    with past_the_triggers() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET changes = %s WHERE id = %s", ['{"n": 99}', entries[6].pk]
        )

    message = broken()

    second = seals[1]
    assert f"seal {second.pk} (entries {second.first_id}-{second.last_id}): hash check" in message
    assert "(1 seal(s) before it were intact)" in message


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("at", "2020-01-01 00:00:00+00"),
        ("actor_name", "someone else"),
        ("object_repr", "another"),
        ("ip", "10.0.0.9"),
        ("request_id", "r-forged"),
    ],
)
def test_any_changed_column_breaks_the_hash(column: str, value: str) -> None:
    entries = write(3)
    [seal] = seal_all()
    with past_the_triggers() as cursor:
        cursor.execute(
            f"UPDATE core_auditentry SET {column} = %s WHERE id = %s",  # noqa: S608 - fixed names
            [value, entries[1].pk],
        )
    assert f"seal {seal.pk} (entries 1-{seal.last_id}): hash check failed" in broken()


def test_a_deleted_entry_breaks_the_count_of_its_seal() -> None:
    entries = write(12)
    seals = seal_all(batch=5)
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[11].pk])

    last = seals[2]
    assert (
        f"seal {last.pk} (entries {last.first_id}-{last.last_id}): count check failed: "
        "1 entries in the range, 2 when sealed" in broken()
    )


def test_an_entry_slipped_into_a_sealed_range_breaks_its_count() -> None:
    entries = write(4)
    gap = entries[1].pk
    with past_the_triggers() as cursor:  # the id of a transaction that rolled back, say
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [gap])
    [seal] = seal_all()
    assert seal.entries == 3 and verify_chain().ok

    with past_the_triggers() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (id, at, actor_name, action, object_type, object_id, "
            "object_repr, org_path, changes, user_agent, request_id) "
            "VALUES (%s, %s, 'system', 'test.forged', '', '', '', '', '{}', '', '')",
            [gap, entries[0].at],
        )

    assert "count check failed: 4 entries in the range, 3 when sealed" in broken()


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("hash", "f" * 64, "hash"),
        ("previous_hash", "e" * 64, "linkage"),
        ("entries", 4, "count"),
        ("last_id", None, "count"),
    ],
)
def test_an_altered_seal_is_found(column: str, value: Any, check: str) -> None:
    write(10)
    seals = seal_all(batch=5)
    first = seals[0]
    value = first.last_id - 1 if value is None else value
    with past_the_triggers() as cursor:
        cursor.execute(
            f"UPDATE core_auditseal SET {column} = %s WHERE id = %s",  # noqa: S608 - fixed names
            [value, first.pk],
        )
    message = broken()
    assert f"seal {first.pk} (entries 1-" in message and f": {check} check failed" in message


def test_a_removed_seal_leaves_a_gap() -> None:
    write(15)
    seals = seal_all(batch=5)
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM core_auditseal WHERE id = %s", [seals[1].pk])

    third = seals[2]
    assert (
        f"seal {third.pk} (entries {third.first_id}-{third.last_id}): gap check failed: "
        f"entries {seals[1].first_id}-{seals[1].last_id} are in no seal" in broken()
    )


def test_a_removed_first_seal_leaves_a_gap_from_entry_one() -> None:
    write(10)
    seals = seal_all(batch=5)
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM core_auditseal WHERE id = %s", [seals[0].pk])
    assert f"gap check failed: entries 1-{seals[0].last_id} are in no seal" in broken()


def test_a_chain_cut_short_or_recomputed_is_found_by_the_seal_kept_outside() -> None:
    entries = write(10)
    seals = seal_all(batch=5)
    kept = f"{seals[-1].last_id}:{seals[-1].hash}"
    # Someone with the database's superuser edits an entry and seals everything again: the chain
    # itself is consistent, only the hash kept outside the database tells.
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entries[2].pk])
        cursor.execute("DELETE FROM core_auditseal")
    seal_all(batch=5)
    assert verify_chain().ok

    assert "anchor check failed: its hash is" in broken(expect=[kept])

    # Or cuts off the newest seal with its entries.
    with past_the_triggers() as cursor:
        cursor.execute("DELETE FROM core_auditseal WHERE last_id = %s", [entries[-1].pk])
        cursor.execute("DELETE FROM core_auditentry WHERE id > %s", [entries[4].pk])
    assert verify_chain().ok
    assert f"the chain: anchor check failed: no seal ends at entry {entries[-1].pk}" in broken(
        expect=[kept]
    )


def test_verification_can_start_at_a_given_seal() -> None:
    entries = write(10)
    seals = seal_all(batch=5)
    with past_the_triggers() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entries[0].pk])

    assert not verify_chain().ok
    report = verify_chain(from_seal=seals[1].pk)
    assert report.ok and report.seals == 1 and report.latest == seals[1]
    with pytest.raises(CommandError, match="There is no seal 0"):
        call_command("verify_audit_chain", from_seal=0)


@pytest.mark.parametrize("text", ["12", "12:abc", "x:" + "a" * 64, "12:" + "g" * 64])
def test_a_kept_seal_must_be_written_as_last_id_and_hash(text: str) -> None:
    with pytest.raises(ValueError, match="LAST_ID:HASH"):
        parse_anchor(text)
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", expect=[text])


def test_a_worker_starting_queues_the_sealing(monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.management.commands import db_worker as base
    from django_tasks_db.models import DBTaskResult

    from zhucan.core.tasks import SEAL_TASK_PATH

    monkeypatch.setattr(base.Command, "handle", lambda self, *args, **options: None)
    call_command("db_worker")
    call_command("db_worker")  # a second worker finds one waiting

    assert DBTaskResult.objects.filter(task_path=SEAL_TASK_PATH).count() == 1
