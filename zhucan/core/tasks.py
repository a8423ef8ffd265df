"""Sealing the audit log as periodic background work (``core/seals.py``), on the django_tasks
interface like the reminder sweep: each run queues the next for ``AUDIT_SEAL_MINUTES`` later,
and every ``db_worker`` makes sure one is waiting when it starts. Two runs at once take turns
and extend one chain, so a second queued run does no harm either.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zhucan.core.seals import seal_pending

SEAL_TASK_PATH = "zhucan.core.tasks.seal_audit_entries"


@task()
def seal_audit_entries() -> int:
    """Seal what is ready; returns how many entries were sealed."""
    try:
        return seal_pending().entries
    finally:
        ensure_sealing_scheduled(after=timedelta(minutes=settings.AUDIT_SEAL_MINUTES))


def ensure_sealing_scheduled(*, after: timedelta = timedelta()) -> bool:
    """Queue a sealing run unless one is already waiting. True when one was queued."""
    if _waiting_runs().exists():
        return False
    seal_audit_entries.using(run_after=timezone.now() + after).enqueue()
    return True


def _waiting_runs() -> Any:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(task_path=SEAL_TASK_PATH, status=TaskResultStatus.READY)
