import pytest
from django.db import connection, transaction

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core import audit
from zhucan.core.models import AuditEntry, AuditLogAppendOnlyError
from zhucan.orgs.services import create_organisation


@pytest.fixture
def entry(world: World) -> AuditEntry:
    found = AuditEntry.objects.filter(action="orgs.organisation.created").first()
    assert found is not None, "the world's organisations are created through the service"
    return found


def test_a_service_write_records_who_what_where_and_the_changes(
    world: World, city_officer: User
) -> None:
    with transaction.atomic():
        org = create_organisation(
            by=city_officer,
            name="平顶山市残疾人康复中心",
            kind="institution",
            region_code="410400",
            parent=world.city,
        )
    entry = AuditEntry.objects.get(action="orgs.organisation.created", object_id=str(org.pk))
    assert entry.actor == city_officer
    assert entry.actor_name == "city_officer"
    assert entry.object_type == "orgs.organisation"
    assert entry.changes["name"] == "平顶山市残疾人康复中心"
    assert entry.org_path == org.path


def test_audit_entries_cannot_be_changed_or_deleted(entry: AuditEntry) -> None:
    entry.action = "forged"
    with pytest.raises(AuditLogAppendOnlyError):
        entry.save()
    with pytest.raises(AuditLogAppendOnlyError):
        entry.delete()
    with pytest.raises(AuditLogAppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditLogAppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_raw_updates_of_audit_entries(entry: AuditEntry) -> None:
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "orgs.organisation.created"


def test_recording_outside_a_transaction_is_a_programming_error(transactional_db: None) -> None:
    with pytest.raises(RuntimeError):
        audit.record(by=None, action="x")


def test_a_failed_service_leaves_no_audit_entry(world: World, city_officer: User) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back the entry too
        with transaction.atomic():
            create_organisation(
                by=city_officer,
                name="临时单位",
                kind="committee",
                region_code="410400",
                parent=world.city,
            )
            raise ValueError("crash after the write")
    assert AuditEntry.objects.count() == before
