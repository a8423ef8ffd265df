"""The audit table holds in PostgreSQL itself: no TRUNCATE, and under the deployment's roles
(docs/database-roles.sql) the application can append entries but not change, delete, empty
them or switch their triggers off. The same for the seals of the audit chain, and sealers
running at once, or beside a transaction still open, keep the chain whole."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zhucan.conftest import World
from zhucan.core import audit
from zhucan.core.models import AuditEntry, AuditSeal
from zhucan.core.seal_check import verify_chain
from zhucan.core.seals import seal_pending

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers and roles"),
]

ROLES_SQL = Path(settings.BASE_DIR) / "docs" / "database-roles.sql"


@pytest.fixture
def entry(world: Any) -> AuditEntry:
    with transaction.atomic():
        return audit.record(by=world.city_officer, action="test.kept", target=world.city)


@pytest.fixture(autouse=True)
def no_pending_checks(db: None) -> None:
    """Run the test's deferred foreign-key checks now: PostgreSQL refuses TRUNCATE while any
    are pending, which would make every TRUNCATE here fail for that reason instead."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _fails(sql: str, because: str) -> None:
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert because in str(raised.value)


def test_truncate_of_the_audit_table_is_refused(entry: AuditEntry) -> None:
    _fails("TRUNCATE core_auditentry", because="append-only")
    # A cascade from the table its actors point to reaches it too.
    _fails("TRUNCATE accounts_user CASCADE", because="append-only")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _grants(owner: str, app: str) -> str:
    """The grants of docs/database-roles.sql, for the roles given."""
    text = ROLES_SQL.read_text(encoding="utf-8")
    block = text.split("-- BEGIN GRANTS", 1)[1].split("-- END GRANTS", 1)[0]
    return block.replace("zhucan_owner", owner).replace("zhucan_app", app)


@pytest.fixture
def app_role(db: None) -> str:
    """The application's role of the deployment docs, with a random name, inside the test's
    transaction (so that it is dropped with the rollback at the end)."""
    suffix = secrets.token_hex(4)
    owner, app = f"zhucan_test_owner_{suffix}", f"zhucan_test_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
        cursor.execute(_grants(owner, app))
    return app


@contextmanager
def acting_as(role: str) -> Iterator[Any]:
    """SET ROLE in a savepoint: a failure rolls back to it, and with it the SET ROLE."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        yield cursor
        cursor.execute("RESET ROLE")


def _refused(
    role: str, sql: str, because: str = "permission denied", params: list[Any] | None = None
) -> None:
    """Refused by the role's privileges, not by a trigger or a pending check."""
    with pytest.raises(DatabaseError) as raised, acting_as(role) as cursor:
        cursor.execute(sql, params)
    assert because in str(raised.value)


def test_the_application_role_appends_to_the_audit_log_and_nothing_more(
    world: World, entry: AuditEntry, app_role: str
) -> None:
    with acting_as(app_role) as cursor:
        added = audit.record(by=world.city_officer, action="test.added", target=world.city)
        cursor.execute("SELECT count(*) FROM core_auditentry WHERE id = %s", [added.pk])
        assert cursor.fetchone()[0] == 1
        # Elsewhere it reads and writes as usual.
        cursor.execute(
            "UPDATE orgs_organisation SET short_name = short_name WHERE id = %s", [world.city.pk]
        )
    forge = "UPDATE core_auditentry SET action = 'forged' WHERE id = %s"
    _refused(app_role, forge, params=[entry.pk])
    _refused(app_role, "DELETE FROM core_auditentry WHERE id = %s", params=[entry.pk])
    _refused(app_role, "TRUNCATE core_auditentry")
    owner_only = "must be owner"
    disable = "ALTER TABLE core_auditentry DISABLE TRIGGER"
    _refused(app_role, f"{disable} core_auditentry_append_only", because=owner_only)
    _refused(app_role, f"{disable} core_auditentry_no_truncate", because=owner_only)
    _refused(app_role, f"{disable} ALL", because=owner_only)
    _refused(app_role, "DROP TRIGGER core_auditentry_no_truncate ON core_auditentry", owner_only)
    _refused(app_role, "SET session_replication_role = replica")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        assert cursor.fetchone()[0] != app_role  # the savepoints took the role back
    entry.refresh_from_db()
    assert entry.action == "test.kept"


def test_check_deploy_warns_unless_the_application_runs_as_the_narrow_role(app_role: str) -> None:
    from zhucan.core.checks import check_audit_table_role

    # The test database's role is the superuser that made (and owns) the tables.
    [warning] = check_audit_table_role()
    assert warning.id == "zhucan.W001"
    assert "owner" in warning.msg and "TRUNCATE" in warning.msg
    with acting_as(app_role):
        assert check_audit_table_role() == []


# --- The seals of the audit chain (core/seals.py) ---------------------------------------------

LATER = timedelta(hours=1)  # a clock far enough on for every entry to be past the margin


def _write(count: int) -> list[AuditEntry]:
    entries = []
    for n in range(count):
        with transaction.atomic():
            entries.append(audit.record(by=None, action="test.chained", changes={"n": n}))
    return entries


def test_the_database_refuses_to_change_or_empty_the_seals() -> None:
    _write(2)
    [seal] = seal_pending(now=timezone.now() + LATER).seals
    _fails("UPDATE core_auditseal SET hash = 'x'", because="append-only")
    _fails("DELETE FROM core_auditseal", because="append-only")
    _fails("TRUNCATE core_auditseal", because="append-only")
    assert AuditSeal.objects.filter(pk=seal.pk, hash=seal.hash).exists()


def test_the_application_role_seals_but_cannot_change_or_empty_the_seals(app_role: str) -> None:
    _write(2)
    with acting_as(app_role):
        [seal] = seal_pending(now=timezone.now() + LATER).seals
        assert verify_chain().ok
    _refused(app_role, "UPDATE core_auditseal SET hash = 'x' WHERE id = %s", params=[seal.pk])
    _refused(app_role, "DELETE FROM core_auditseal WHERE id = %s", params=[seal.pk])
    _refused(app_role, "TRUNCATE core_auditseal")
    owner_only = "must be owner"
    _refused(app_role, "ALTER TABLE core_auditseal DISABLE TRIGGER ALL", because=owner_only)


def test_check_deploy_names_the_seal_table_too(app_role: str) -> None:
    from zhucan.core.checks import check_audit_table_role

    [warning] = check_audit_table_role()
    assert "on core_auditentry" in warning.msg and "on core_auditseal" in warning.msg
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON core_auditseal TO {app_role}")
    with acting_as(app_role):
        [warning] = check_audit_table_role()
    assert warning.msg.endswith("(UPDATE on core_auditseal).")


def _in_a_thread(target: Callable[[], object]) -> threading.Thread:
    """Run ``target`` on a connection of its own, closed when it ends."""

    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_extend_one_chain() -> None:
    _write(60)
    start = threading.Barrier(2)
    made: list[AuditSeal] = []
    errors: list[BaseException] = []

    def sealer() -> None:
        try:
            start.wait(timeout=10)
            made.extend(seal_pending(now=timezone.now() + LATER, batch=7).seals)
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    for thread in [_in_a_thread(sealer), _in_a_thread(sealer)]:
        thread.join(timeout=60)

    assert errors == []
    seals = list(AuditSeal.objects.order_by("first_id"))
    assert sorted(s.pk for s in made) == [s.pk for s in seals]
    assert sum(s.entries for s in seals) == 60
    report = verify_chain()
    assert report.ok and report.seals == len(seals) == 9


@pytest.mark.django_db(transaction=True)
def test_sealing_waits_for_a_transaction_that_holds_a_lower_id() -> None:
    # A service's transaction writes its entry and is still open (a long import, say) while
    # others commit entries with higher ids: sealing those would leave its entry outside the
    # seal it belongs in, and the chain would break when it commits.
    written, finish = threading.Event(), threading.Event()
    held: list[AuditEntry] = []

    def long_service() -> None:
        with transaction.atomic():
            held.append(audit.record(by=None, action="test.long"))
            written.set()
            finish.wait(timeout=30)

    thread = _in_a_thread(long_service)
    assert written.wait(timeout=10)
    later = _write(2)
    assert later[0].pk > held[0].pk

    assert seal_pending(now=timezone.now() + LATER).seals == []

    finish.set()
    thread.join(timeout=30)
    [seal] = seal_pending(now=timezone.now() + LATER).seals
    assert seal.entries == 3 and seal.last_id == later[-1].pk
    assert verify_chain().ok
