"""More work for the periodic reminder sweep, registered by the apps above completeness.

The sweep runs in completeness; an app higher up (help requests) that has overdue things of its
own registers a function here in its ``AppConfig.ready()``, so the one sweep reminds about
everything without completeness importing upward (docs/architecture.md, Layers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

logger = logging.getLogger("zhucan.completeness")

# Takes today's date, sends what is due (idempotently: each with a unique key of its own), and
# returns how many reminders went out.
SweepHook = Callable[[date], int]

_hooks: list[SweepHook] = []


def register_sweep_hook(hook: SweepHook) -> None:
    """Add ``hook`` to every sweep from now on; registering it again changes nothing."""
    if hook not in _hooks:
        _hooks.append(hook)


def run_sweep_hooks(today: date) -> int:
    """Run every registered hook. One that fails is logged and the others still run: a broken
    help-request reminder must not hold back a campaign's."""
    sent = 0
    for hook in list(_hooks):
        try:
            sent += hook(today)
        except Exception:
            logger.exception("reminder sweep hook %r failed", hook)
    return sent
