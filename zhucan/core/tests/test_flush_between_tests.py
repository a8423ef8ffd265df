"""The flush after a transactional test (zhucan/testing/database.py): one DELETE per table in
place of Django's TRUNCATE, every table emptied, the audit table too, and the data migrations'
rows put back before the next test."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from zhucan.accounts.models import User
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation, Region
from zhucan.testing.database import deletes_for
from zhucan.testing.factories import make_org, make_user


def test_the_plain_truncate_becomes_one_delete_per_table() -> None:
    assert deletes_for(['TRUNCATE "core_auditentry", "orgs_region";']) == [
        'DELETE FROM "core_auditentry"',
        'DELETE FROM "orgs_region"',
    ]


@pytest.mark.parametrize(
    "sql_list",
    [
        ['TRUNCATE "orgs_region" RESTART IDENTITY;'],
        ['TRUNCATE "orgs_region" CASCADE;'],
        ['TRUNCATE "orgs_region";', 'TRUNCATE "core_auditentry";'],
        [],
    ],
)
def test_any_other_flush_runs_as_django_wrote_it(sql_list: list[str]) -> None:
    assert deletes_for(sql_list) is None


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the flush is PostgreSQL's")
def test_a_flush_empties_every_table_and_keeps_the_migration_rows(transactional_db: None) -> None:
    regions = Region.objects.count()
    make_user(username="flushed", org=make_org(name="清空单位"))
    assert AuditEntry.objects.exists()

    call_command("flush", verbosity=0, interactive=False)

    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()  # past its append-only and TRUNCATE triggers
    assert regions > 0 and Region.objects.count() == regions
