"""Key rotation: old ciphertexts end under the current key, still decrypt, in resumable batches."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.models import Person
from zhucan.registry.services.keys import rotate_keys
from zhucan.registry.tests.factories import make_person

OLD_ONLY = (
    "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
    "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
)
CT = ("id_number_ct", "phone_ct", "address_ct", "guardian_phone_ct")


def _raw_table() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_rows_under_the_old_key_end_under_the_new_one_and_still_decrypt(world):
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        old = [make_person(world, name=f"旧{n}", guardian_phone="13800001111") for n in range(3)]
        numbers = [crypto.decrypt(p.id_number_ct, field="id_number") for p in old]
    new = make_person(world, name="新")
    assert {crypto.key_id(p.id_number_ct) for p in old} == {"t1"}
    untouched = Person.objects.get(pk=new.pk).id_number_ct

    out = io.StringIO()
    call_command("rotate_registry_keys", "--batch-size", "2", stdout=out)
    assert "3 rows re-encrypted" in out.getvalue()

    for person, number in zip(old, numbers, strict=True):
        person.refresh_from_db()
        for column in CT:
            assert crypto.key_id(getattr(person, column)) == "t2"
        assert crypto.decrypt(person.id_number_ct, field="id_number") == number
        assert crypto.decrypt(person.phone_ct, field="phone") == "13912345678"
        assert crypto.decrypt(person.guardian_phone_ct, field="guardian_phone") == "13800001111"
        assert person.version == 1  # content unchanged: open edit forms stay valid
    assert Person.objects.get(pk=new.pk).id_number_ct == untouched
    # A raw look at the rotated table shows no ID digits, phone or address.
    raw = _raw_table()
    for number in numbers:
        assert number not in raw and number[6:14] not in raw
    for secret in ("13912345678", "13800001111", "光明路"):
        assert secret not in raw
    # Two batches, each audited; a second run finds nothing left to do.
    assert AuditEntry.objects.filter(action="registry.keys.rotated").count() == 2
    assert rotate_keys(batch_size=2) == 0


def test_a_stopped_run_resumes_where_it_left_off(world):
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        for n in range(3):
            make_person(world, name=f"旧{n}")
    calls = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append((done, total))
        raise KeyboardInterrupt

    try:
        rotate_keys(batch_size=2, progress=stop_after_first_batch)
    except KeyboardInterrupt:
        pass
    keys = sorted(crypto.key_id(ct) for ct in Person.objects.values_list("id_number_ct", flat=True))
    assert keys == ["t1", "t2", "t2"]  # the first batch was committed
    assert rotate_keys(batch_size=2) == 1
