"""Log records with the request id, and one JSON object per line when asked
(``ZHUCAN_LOG_FORMAT=json``, docs/configuration.md)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from zhucan.core.request_id import current_request_id

# What the request log line adds (core.middleware.RequestMetricsMiddleware). Other extras a
# record may carry (Django's error log attaches the whole request) are left out on purpose:
# they hold cookies, query strings and form data.
REQUEST_FIELDS = ("method", "view", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request or task it was logged in (``""`` outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the request
    fields when present, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
