"""Checks a restored database (DATABASE_URL) with the keys from the key backup.

1. The keys open the database's key-check values (as ``check --database default`` does).
2. Every table's row count equals the restore point's (``--mark``) when the restore went to
   that point; to another time the differences are listed.
3. A sample of registry people: the ID number, phone and address decrypt, and the ID number's
   blind index is the one stored.
4. The audit log: against the live primary (``--source``), exactly the entries up to the
   target, none after; and ``verify_audit_chain`` when the application has it.

Exits 1 when a check fails. Run by deploy/cluster/backups.py after a restore.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")

SAMPLE = 200


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--mark")
    parser.add_argument("--source")
    args = parser.parse_args()
    target = datetime.fromisoformat(args.target)

    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.db import connection

    from zhucan.core.models import AuditEntry
    from zhucan.registry import crypto, keycheck
    from zhucan.registry.idnumbers import normalise
    from zhucan.registry.models import Person

    failures: list[str] = []

    try:
        keycheck.verify_keys()
    except keycheck.KeyCheckError as error:
        print(f"  FAILED: keys: {error}")
        return 1
    print("  keys: the backed-up keys open the database's key checks")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT LIKE 'registry_import_stage_%' ORDER BY 1"
        )
        tables = [t for (t,) in cursor.fetchall()]
        restored: dict[str, int] = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
            restored[table] = cursor.fetchone()[0]
    total = sum(restored.values())
    if args.mark:
        mark = json.loads(Path(args.mark).read_text(encoding="utf-8"))
        at = datetime.fromisoformat(mark["at"])
        differ = {
            t: (mark["counts"].get(t), restored.get(t))
            for t in sorted(set(mark["counts"]) | set(restored))
            if mark["counts"].get(t) != restored.get(t)
        }
        if not differ:
            print(f"  rows: {total} in {len(tables)} tables, each as counted at {mark['at']}")
        elif at == target:
            failures.append(f"row counts differ from the restore point: {differ}")
        else:
            print(
                f"  rows: {total} in {len(tables)} tables; changed between the restore point "
                f"{mark['at']} and the target (point, restored): {differ}"
            )
    else:
        print(f"  rows: {total} in {len(tables)} tables (no restore point to compare with)")

    ring = crypto.parse_keys(os.environ["ZHUCAN_REGISTRY_KEYS"])
    people = list(Person.objects.order_by("?")[:SAMPLE])
    opened = 0
    for person in people:
        try:
            number = crypto.decrypt(person.id_number_ct, field="id_number", ring=ring)
            crypto.decrypt(person.phone_ct, field="phone", ring=ring)
            crypto.decrypt(person.address_ct, field="address", ring=ring)
        except crypto.DecryptionError as error:
            failures.append(f"person {person.pk}: {error}")
            continue
        if person.id_index not in crypto.blind_indexes(normalise(number), ring=ring):
            failures.append(f"person {person.pk}: the ID number's index does not match")
            continue
        opened += 1
    print(f"  registry: {opened} of {len(people)} sampled people decrypted and their index matched")

    entries = AuditEntry.objects.filter(at__lte=target)
    later = AuditEntry.objects.filter(at__gt=target).count()
    if later:
        failures.append(f"{later} audit entries after the target time")
    if args.source:
        import psycopg

        with psycopg.connect(args.source) as source:
            row = source.execute(
                "SELECT count(*), max(id) FROM core_auditentry WHERE at <= %s", [target]
            ).fetchone()
        assert row is not None
        here = (entries.count(), entries.order_by("-id").values_list("id", flat=True).first())
        if tuple(row) != here:
            failures.append(
                f"audit log: primary has {tuple(row)} up to the target, restored {here}"
            )
        else:
            print(f"  audit log: the same {here[0]} entries as the primary up to the target")
    if "verify_audit_chain" in get_commands():
        call_command("verify_audit_chain")
        print("  audit chain: verified")
    else:
        print("  audit chain: no audit chain (no verify_audit_chain command)")

    for failure in failures:
        print(f"  FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
