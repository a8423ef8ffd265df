from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    prefs = getattr(request, "display_prefs", {"text_size": "normal", "contrast": "normal"})
    return {
        "display_prefs": prefs,
        "demo_mode": settings.DEMO_MODE,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
        # A callable, so that pages without the menu ask nothing of the database.
        "nav_registry": lambda: _sees_registry(request),
    }


def _sees_registry(request: HttpRequest) -> bool:
    from zhucan.orgs.access import capability_roots
    from zhucan.orgs.roles import Capability

    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and capability_roots(user, Capability.PERSONAL_DATA))
