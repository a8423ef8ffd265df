"""The reminder sweep as periodic background work, on the django_tasks interface.

django_tasks has no clock of its own, so the sweep keeps one going: each run enqueues the next
for ``REMINDER_SWEEP_MINUTES`` later, and publishing a campaign (or ``schedule_reminders``,
which the worker's start-up runs) makes sure one is waiting. If the worker is stopped when
reminders fall due, the waiting sweep runs when it comes back; the reminders' unique keys mean
nothing is sent twice, whichever sweep gets there first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

SWEEP_TASK_PATH = "zhucan.completeness.tasks.sweep_reminders"


@task()
def sweep_reminders() -> int:
    from zhucan.completeness.services import run_sweep

    try:
        return run_sweep().sent
    finally:
        ensure_sweep_scheduled(after=timedelta(minutes=settings.REMINDER_SWEEP_MINUTES))


def ensure_sweep_scheduled(*, after: timedelta = timedelta()) -> bool:
    """Enqueue a sweep unless one is already waiting. True when one was enqueued."""
    if _waiting_sweeps().exists():
        return False
    sweep_reminders.using(run_after=timezone.now() + after).enqueue()
    return True


def _waiting_sweeps() -> Any:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(task_path=SWEEP_TASK_PATH, status=TaskResultStatus.READY)


def on_campaign_published(sender: Any, campaign_id: int, **kwargs: Any) -> None:
    # A new campaign may have a deadline before the next scheduled sweep: look now.
    transaction.on_commit(lambda: sweep_reminders.enqueue(), robust=True)
