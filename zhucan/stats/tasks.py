"""Background work of the statistics, on the django_tasks interface (database backend).

``export_reports`` writes a person's export of every accepted report under a node; see
``services.export_jobs`` for the job, its progress, its file and when the file goes.
"""

from __future__ import annotations

from django_tasks import task

EXPORT_TASK_PATH = "zhucan.stats.tasks.export_reports"


@task()
def export_reports(job_id: int) -> str:
    from zhucan.stats.services.export_jobs import run_export_job

    return run_export_job(job_id=job_id)
