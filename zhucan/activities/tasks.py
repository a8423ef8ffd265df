"""Background work of activity reports, on the django_tasks interface (database backend).

``import_reports`` saves an Excel import that a person confirmed after its dry run; see
``services.imports`` for the job, its progress and what happens when it fails. The services
queue it by its path through ``core.jobs.enqueue``, so they need not import this module.
"""

from __future__ import annotations

from django_tasks import task

from zhucan.activities.services.imports import IMPORT_TASK_PATH, run_import_job

__all__ = ["IMPORT_TASK_PATH", "import_reports"]


@task()
def import_reports(job_id: int) -> str:
    return run_import_job(job_id=job_id)
