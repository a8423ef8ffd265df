"""URL keyword -> builder(world) of an object owned by county A, for the permission walk
(``BUILDERS``, collected by zhucan/core/tests/test_permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _county_a_export(world: Any) -> Any:
    """An export of county A's reports, started by county A's officer (built once per world).
    Queued only: the walk checks who may open it, not the worker."""
    from django.db import transaction

    from zhucan.core.tests.test_permissions import _county_a_campaign
    from zhucan.stats.selectors import NO_FILTERS
    from zhucan.stats.services.export_jobs import start_export

    if not hasattr(world, "_stats_export"):
        with transaction.atomic():
            world._stats_export = start_export(
                by=world.county_a_officer,
                campaign=_county_a_campaign(world),
                node=world.county_a,
                filters=NO_FILTERS,
            )
    return world._stats_export


BUILDERS: dict[str, Callable[[Any], Any]] = {
    "export_pk": lambda w: _county_a_export(w).pk,
}
