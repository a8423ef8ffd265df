"""Whether the menu shows the registry: the registry's own question, so core need not ask orgs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhucan.orgs.access import capability_roots
from zhucan.orgs.roles import Capability


def nav(request: HttpRequest) -> dict[str, Any]:
    # A callable, so that pages without the menu ask nothing of the database.
    return {"nav_registry": lambda: _sees_registry(request)}


def _sees_registry(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and capability_roots(user, Capability.PERSONAL_DATA))
