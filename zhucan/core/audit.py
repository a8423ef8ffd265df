"""Writing audit entries. Services call ``record`` inside their transaction."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from zhucan.core.actors import Actor
from zhucan.core.models import AuditEntry
from zhucan.core.request_id import current_request_id


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None
    user_agent: str


# Set by AuditContextMiddleware so that services need not pass the request around.
current_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "zhucan_audit_origin", default=None
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(
    *,
    by: Actor | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    org_path: str = "",
) -> AuditEntry:
    """Append one audit entry. Must run inside the caller's transaction (fails loudly if not)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    origin = current_origin.get()
    actor = by if getattr(by, "is_authenticated", False) else None
    if target is not None and not org_path:
        org_path = getattr(target, "audit_org_path", "") or ""
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor else "system")[:150],
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        org_path=org_path,
        changes=_jsonable(changes or {}),
        ip=origin.ip if origin else None,
        user_agent=(origin.user_agent if origin else "")[:200],
        request_id=current_request_id(),
    )


def record_download(
    *,
    by: Actor,
    action: str,
    fmt: str,
    target: models.Model | None = None,
    org_path: str = "",
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Note that data left the system as a file: who, what (``action``, ``target``), in which
    format, the query that shaped it (``filters``) and how many data rows it held (``None`` for
    a document). ``filters`` are parameters such as ids, statuses and dates, never the personal
    data values a person typed: a free-text search is recorded as used or not.

    A download is a read with no transaction of its own, so this opens one (a savepoint when
    the caller already has one); ``org_path`` places it in the auditors' jurisdiction like a
    change to ``target`` would be.
    """
    changes = {**(details or {}), "format": fmt, "filters": dict(filters or {}), "rows": rows}
    with transaction.atomic():
        return record(by=by, action=action, target=target, changes=changes, org_path=org_path)


def is_download(entry: AuditEntry) -> bool:
    """Whether ``entry`` was written by ``record_download``."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return {"format", "filters", "rows"} <= changes.keys()


def diff(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply ``values`` to ``instance`` and return {field: [old, new]} for what really changed."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
            setattr(instance, name, new)
    return changed
