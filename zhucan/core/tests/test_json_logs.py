"""With ZHUCAN_LOG_FORMAT=json each log record is one JSON object on one line, and the request
log line names the view, status and duration, never the path or what was searched for."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from zhucan.core.logs import JsonFormatter, RequestIdFilter
from zhucan.core.request_id import HEADER


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("zhucan.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_line_of_json_with_time_level_logger_message_and_request_id() -> None:
    record = _record("Export %s failed", 7, request_id="abc-123")
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Export 7 failed"
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "WARNING",
        "zhucan.test",
        "abc-123",
    )
    assert entry["time"].endswith("+00:00")


def test_an_exception_stays_on_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "zhucan.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_other_extras_such_as_the_request_are_left_out() -> None:
    record = _record("Internal Server Error", request="<WSGIRequest GET '/?q=secret'>")
    assert "secret" not in JsonFormatter().format(record)


@override_settings(LOG_REQUESTS=True)
def test_the_request_line_names_the_view_never_the_path_or_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="zhucan.request"):
        response = Client().get(reverse("registry:list") + "?q=110101199003077777")
    [record] = [r for r in caplog.records if r.name == "zhucan.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["view"] == "registry:list"
    assert entry["method"] == "GET"
    assert entry["status"] == response.status_code
    assert isinstance(entry["duration_ms"], float)
    assert "1101" not in json.dumps(entry) and "/registry" not in json.dumps(entry)


@override_settings(LOG_REQUESTS=False)
def test_without_the_setting_no_request_line_is_written(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="zhucan.request"):
        Client().get("/healthz")
    assert not [r for r in caplog.records if r.name == "zhucan.request"]


def test_the_request_line_carries_the_response_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As the console handler does in settings.LOGGING: the filter runs as the line is written.
    caplog.handler.addFilter(RequestIdFilter())
    with override_settings(LOG_REQUESTS=True), caplog.at_level(logging.INFO, "zhucan.request"):
        response = Client().get("/healthz")
    [record] = [r for r in caplog.records if r.name == "zhucan.request"]
    assert getattr(record, "request_id", None) == response[HEADER]


PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "handler = settings.LOGGING['handlers']['console']; "
    "print(json.dumps([handler['formatter'], handler['filters'], settings.LOG_REQUESTS]))"
)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("json", ["json", ["request_id"], True]), ("", ["text", ["request_id"], False])],
)
def test_the_format_is_chosen_by_the_environment(fmt: str, expected: list[object]) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "zhucan.settings",
        "ZHUCAN_DEMO_MODE": "1",
        "ZHUCAN_LOG_FORMAT": fmt,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert json.loads(result.stdout) == expected
