"""Sending the same form several times at the same instant, as a double click or an impatient
resend does, each request on its own thread and so its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from zhucan.testing.auth import login_verified

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="only PostgreSQL runs requests side by side (SQLite takes one writer at a time)",
)


def post_at_once(
    user: Any,
    url: str,
    data: dict[str, Any],
    *,
    times: int = 5,
    vary: Callable[[], dict[str, Any]] | None = None,
) -> list[Any]:
    """POST ``data`` to ``url`` ``times`` times at once as ``user``; the responses, in no order.
    ``vary``: what each request changes in ``data`` (called once per request, beforehand).
    The caller's test must use ``transactional_db`` so that the threads see its rows."""
    clients = [login_verified(Client(), user) for _ in range(times)]
    bodies = [data | (vary() if vary else {}) for _ in range(times)]
    barrier = threading.Barrier(times)
    responses: list[Any] = []
    failures: list[BaseException] = []

    def send(client: Client, body: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=30)
            responses.append(client.post(url, body))
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=send, args=(c, b)) for c, b in zip(clients, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    return responses
