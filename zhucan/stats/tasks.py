"""Background work of the statistics, on the django_tasks interface (database backend).

``export_reports`` writes a person's export of every accepted report under a node; see
``services.export_jobs`` for the job, its progress, its file and when the file goes. The
services queue it by its path through ``core.jobs.enqueue``, so they need not import this module.
"""

from __future__ import annotations

from django_tasks import task

from zhucan.stats.services.export_jobs import EXPORT_TASK_PATH, run_export_job

__all__ = ["EXPORT_TASK_PATH", "export_reports"]


@task()
def export_reports(job_id: int, read_after: str | None = None) -> str:
    # ``read_after``: the primary's WAL position when the export was queued (core.routing);
    # tasks queued before it was passed have none.
    return run_export_job(job_id=job_id, read_after=read_after)
