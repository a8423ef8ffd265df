"""The request id: one token that ties a request's log lines, its audit entries and the proxy's
own log together.

``RequestIdMiddleware`` (first in MIDDLEWARE) takes the id our proxy sent in ``X-Request-ID``,
or makes one, and returns it in the response. Background tasks run outside any request: while a
worker runs one, the id is ``task-<the task's id>``, the id django_tasks logs it under.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from zhucan.core.net import from_trusted_proxy

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# A value from outside goes into log lines and the audit log as it is: only a short token of
# letters, digits and hyphens, so that it can neither forge a log line nor carry data.
SAFE = re.compile(r"[A-Za-z0-9-]{1,64}")
TASK_PREFIX = "task-"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("zhucan_request_id", default="")


def current_request_id() -> str:
    """The id of the request (or background task) being served here, or ``""``."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id when it is one of ours and the id is a safe token, else a new one."""
    given = request.META.get(META_KEY, "")
    if given and SAFE.fullmatch(given) and from_trusted_proxy(request):
        return str(given)
    return new_request_id()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every log line of the request carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


def task_started(*, task_result: Any, **kwargs: Any) -> None:
    """A worker starts a task: its entries carry the task's id. A task run inside a request
    (the immediate backend) keeps the request's id."""
    current = _current.get()
    if not current or current.startswith(TASK_PREFIX):
        _current.set(f"{TASK_PREFIX}{task_result.id}")


def task_finished(*, task_result: Any, **kwargs: Any) -> None:
    if _current.get() == f"{TASK_PREFIX}{task_result.id}":
        _current.set("")
