"""The drill's sums, kept apart from everything that talks to a server so the suite can test
them: which accepted submissions are missing or doubled, how long errors lasted around each
fault, percentiles, and the one ``DRILL key=value …`` line the run ends with."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attempt:
    """One sending of a report form: its token (``client_id``), when, and whether the server
    said it was saved. A resend after a failure or a double tap carries the same token."""

    client_id: str
    at: float
    accepted: bool


@dataclass(frozen=True)
class Outcome:
    """What the database holds for the tokens the drill sent."""

    accepted: int
    lost: list[str]
    duplicates: int
    # Saved although no attempt was answered with success (the answer was lost on the way):
    # not an error, the phone's resend would have met it, but worth showing.
    saved_unanswered: int


def tally(
    attempts: Iterable[Attempt], saved: Mapping[str, int], photos: Mapping[str, int]
) -> Outcome:
    """``saved``: reports per token in the database; ``photos``: photos per token (only tokens
    whose form carried a photo). A token accepted once and absent is lost; more than one report
    or photo for one token is a duplicate, whether or not the server said yes."""
    accepted = {a.client_id for a in attempts if a.accepted}
    lost = sorted(token for token in accepted if saved.get(token, 0) == 0)
    duplicates = sum(n - 1 for n in saved.values() if n > 1)
    duplicates += sum(n - 1 for n in photos.values() if n > 1)
    unanswered = sum(1 for token, n in saved.items() if n > 0 and token not in accepted)
    return Outcome(
        accepted=len(accepted), lost=lost, duplicates=duplicates, saved_unanswered=unanswered
    )


@dataclass(frozen=True)
class Request:
    at: float
    name: str
    ok: bool
    ms: float


@dataclass(frozen=True)
class Fault:
    """A fault injected at ``start``; ``end`` is when its ``ctl`` commands returned."""

    name: str
    start: float
    end: float


@dataclass
class FaultErrors:
    name: str
    errors: int = 0
    # From the first to the last failed request in the fault's span, in seconds.
    window_s: float = 0.0
    failed_pages: Counter[str] = field(default_factory=Counter)


def errors_by_fault(
    requests: Sequence[Request], faults: Sequence[Fault], *, settle_s: float
) -> list[FaultErrors]:
    """Errors counted against each fault: from its start until the next fault starts, or
    ``settle_s`` after it ended, whichever comes first."""
    ordered = sorted(faults, key=lambda f: f.start)
    result = []
    for n, fault in enumerate(ordered):
        until = fault.end + settle_s
        if n + 1 < len(ordered):
            until = min(until, ordered[n + 1].start)
        failed = [r for r in requests if not r.ok and fault.start <= r.at < until]
        counted = FaultErrors(name=fault.name, errors=len(failed))
        if failed:
            counted.window_s = max(r.at for r in failed) - min(r.at for r in failed)
            counted.failed_pages.update(r.name for r in failed)
        result.append(counted)
    return result


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def drill_line(figures: Mapping[str, float | int | str]) -> str:
    """``DRILL key=value …`` in the order given; floats with at most three decimals, and no
    spaces inside a value so that the line splits on spaces."""
    parts = []
    for key, value in figures.items():
        if " " in key or "=" in key:
            raise ValueError(f"not a key: {key!r}")
        if isinstance(value, float):
            text = f"{value:.3f}".rstrip("0").rstrip(".") if math.isfinite(value) else "nan"
        else:
            text = str(value).replace(" ", "_")
        parts.append(f"{key}={text}")
    return "DRILL " + " ".join(parts)
