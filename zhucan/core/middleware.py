from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhucan.core.audit import RequestOrigin, current_origin
from zhucan.core.net import client_ip


class AuditContextMiddleware:
    """Remembers where a request came from, for the audit entries its services write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_origin.set(
            RequestOrigin(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        )
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
