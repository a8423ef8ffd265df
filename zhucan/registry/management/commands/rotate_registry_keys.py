from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhucan.registry import crypto
from zhucan.registry.services.keys import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every registry ciphertext that is not under the current key (the first in "
        "REGISTRY_KEYS), in batches of one transaction each. Safe to stop and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, options["batch_size"])
        current = crypto.keyring().current
        done = rotate_keys(
            batch_size=size,
            progress=lambda n: self.stdout.write(f"  {n} rows re-encrypted …"),
        )
        self.stdout.write(
            self.style.SUCCESS(f"{done} rows re-encrypted; every ciphertext is under {current}.")
        )
