"""What every part of the drill shares: the run and how it speaks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def say(message: str) -> None:
    print(f"[drill] {message}", flush=True)


@dataclass
class Run:
    base: str
    env: dict[str, str]
    work: Path
    run_id: str
    proxy_https: bool
    seconds: int
    users: int
