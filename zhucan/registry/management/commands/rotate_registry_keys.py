from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.registry import crypto
from zhucan.registry.keycheck import verify_keys
from zhucan.registry.services.keys import Progress, rotate_blind_key, rotate_keys


class Command(BaseCommand):
    help = (
        "Move the registry onto the current keys (the first field key and the first blind key in "
        "ZHUCAN_REGISTRY_KEYS): re-encrypt ciphertexts under older field keys and, while an older "
        "blind key is still configured, recompute the ID search index. In batches of one "
        "transaction each; progress is kept in the database, so a stopped run resumes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def _run(self, rotate: Any, *, ring: crypto.Keyring, size: int, what: str) -> int:
        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            self.stdout.write(f"  {what}: {done} of {total} rows ({percent}%)")

        report: Progress = progress
        try:
            return int(rotate(batch_size=size, ring=ring, progress=report))
        except crypto.DecryptionError as error:
            # That batch was rolled back and the place before it kept: a run resumes there.
            raise CommandError(
                f"Stopped: a row cannot be opened ({error}). Add the key it was written with to "
                "ZHUCAN_REGISTRY_KEYS and run again; the rotation resumes where it stopped."
            ) from error

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, options["batch_size"])
        # The keys must be the ones the data was written with (a new one is recorded here).
        verify_keys()
        ring = crypto.keyring()
        done = self._run(rotate_keys, ring=ring, size=size, what="re-encrypted")
        old = [name for name in ring.keys if name != ring.current]
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} rows re-encrypted; every ciphertext is under {ring.current}."
                + (f" {', '.join(old)} may now be removed." if old else "")
            )
        )
        if not ring.old_blinds:
            return
        done = self._run(rotate_blind_key, ring=ring, size=size, what="re-indexed")
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} rows re-indexed; the ID search index is under {ring.blind_id}. "
                f"{', '.join(ring.old_blinds)} may now be removed."
            )
        )
