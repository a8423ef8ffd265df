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
    }
