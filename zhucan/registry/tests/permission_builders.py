"""URL keyword -> builder(world) of an object owned by county A, for the permission walk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BUILDERS: dict[str, Callable[[Any], Any]] = {}
