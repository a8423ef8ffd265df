"""A request id ties a request's log lines, its audit entries and the proxy's log together."""

from __future__ import annotations

import logging
import uuid
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core import audit
from zhucan.core.logs import RequestIdFilter
from zhucan.core.models import AuditEntry
from zhucan.core.request_id import (
    HEADER,
    SAFE,
    RequestIdMiddleware,
    current_request_id,
    task_finished,
    task_started,
)

HEALTHZ = "/healthz"


def test_every_response_carries_a_new_safe_id() -> None:
    first = Client().get(HEALTHZ)[HEADER]
    second = Client().get(HEALTHZ)[HEADER]
    assert SAFE.fullmatch(first) and SAFE.fullmatch(second)
    assert first != second


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_the_id_our_proxy_sent_is_kept() -> None:
    response = Client().get(HEALTHZ, HTTP_X_REQUEST_ID="f3a9-0042-proxy")
    assert response[HEADER] == "f3a9-0042-proxy"


def test_an_id_sent_by_anyone_else_is_replaced() -> None:
    # No trusted proxies: the client is speaking for itself.
    response = Client().get(HEALTHZ, HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response[HEADER] != "chosen-by-the-client"
    assert SAFE.fullmatch(response[HEADER])


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
@pytest.mark.parametrize(
    "given",
    ["a" * 65, "has space", "line\nbreak", 'quote"d', "slash/ed", "ünïcode", ""],
)
def test_an_unsafe_id_is_replaced_even_from_our_proxy(given: str) -> None:
    response = Client().get(HEALTHZ, HTTP_X_REQUEST_ID=given)
    assert response[HEADER] != given
    assert SAFE.fullmatch(response[HEADER])


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_audit_entries_written_during_a_request_carry_its_id(world: World) -> None:
    response = Client().post(
        reverse("accounts:login"),
        {"username": world.city_officer.username, "password": "not-the-password"},
        HTTP_X_REQUEST_ID="req-1234",
    )
    assert response[HEADER] == "req-1234"
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert entry.request_id == "req-1234"


@pytest.mark.django_db
def test_an_entry_written_outside_requests_and_tasks_has_no_id() -> None:
    with transaction.atomic():
        entry = audit.record(by=None, action="core.test.outside")
    assert entry.request_id == ""


@pytest.mark.django_db
def test_a_background_task_entries_carry_the_task_id_until_it_ends() -> None:
    task = SimpleNamespace(id=uuid.uuid4())
    task_started(task_result=task)
    try:
        with transaction.atomic():
            entry = audit.record(by=None, action="core.test.task")
    finally:
        task_finished(task_result=task)
    assert entry.request_id == f"task-{task.id}"
    assert current_request_id() == ""


def test_the_next_task_gets_its_own_id_even_if_the_last_did_not_say_it_ended() -> None:
    first, second = SimpleNamespace(id=uuid.uuid4()), SimpleNamespace(id=uuid.uuid4())
    task_started(task_result=first)  # and it failed without task_finished
    task_started(task_result=second)
    try:
        assert current_request_id() == f"task-{second.id}"
    finally:
        task_finished(task_result=second)
    assert current_request_id() == ""


def test_a_task_run_inside_a_request_keeps_the_request_id() -> None:
    seen: list[str] = []
    task = SimpleNamespace(id=uuid.uuid4())

    def view(request: HttpRequest) -> HttpResponse:
        task_started(task_result=task)  # the immediate backend runs it right here
        seen.append(current_request_id())
        task_finished(task_result=task)
        seen.append(current_request_id())
        return HttpResponse()

    response = RequestIdMiddleware(view)(RequestFactory().get("/"))
    assert seen == [response[HEADER], response[HEADER]]


def test_every_log_record_of_the_request_carries_its_id() -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("zhucan.test.request_id")
    logger.addHandler(handler)
    logger.propagate = False

    def view(request: HttpRequest) -> HttpResponse:
        logger.warning("inside the view")
        return HttpResponse()

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/"))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert [getattr(r, "request_id", None) for r in records] == [response[HEADER], ""]
