from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve

from zhucan.core.audit import RequestOrigin, current_origin
from zhucan.core.metrics import observe_request
from zhucan.core.net import client_ip

request_log = logging.getLogger("zhucan.request")


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


def view_name(request: HttpRequest) -> str:
    """The URL's name (``stats:dashboard``), never its path: paths carry ids and codes without
    end, and a metric's labels must stay few. Pages answered before URL resolution (a stored
    public page, a static file) are resolved here; what matches nothing is "unmatched"."""
    match = request.resolver_match
    if match is None:
        if request.path_info.startswith(str(settings.STATIC_URL)):
            return "static"
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return match.view_name


class RequestMetricsMiddleware:
    """Times every request for ``/metrics`` and, when ``LOG_REQUESTS`` is on, writes one log
    line of it: method, URL name, status and duration. Never the path or the query string,
    which can name a person's record or hold what they searched for.

    Right after RequestIdMiddleware, so that it times all the rest (stored public pages too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - start
        view = view_name(request)
        method = request.method or ""
        observe_request(view=view, method=method, status=response.status_code, seconds=seconds)
        if settings.LOG_REQUESTS:
            duration_ms = round(seconds * 1000, 1)
            request_log.info(
                "%s %s %s %.1f ms",
                method,
                view,
                response.status_code,
                duration_ms,
                extra={
                    "method": method,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response
