"""Background work of activity reports, on the django_tasks interface (database backend).

``import_reports`` saves an Excel import that a person confirmed after its dry run; see
``services.imports`` for the job, its progress and what happens when it fails.
"""

from __future__ import annotations

from django_tasks import task

IMPORT_TASK_PATH = "zhucan.activities.tasks.import_reports"


@task()
def import_reports(job_id: int) -> str:
    from zhucan.activities.services.imports import run_import_job

    return run_import_job(job_id=job_id)
