"""Background work of the registry import, on the django_tasks interface (database backend).

See ``jobs`` for what each step does; these only hand the job's id to it. ``jobs`` queues them
by their paths through ``core.jobs.enqueue``, so it need not import this module.
"""

from __future__ import annotations

from django_tasks import task

from zhucan.registry.imports.jobs import expire_import, run_check, run_import


@task()
def check_registry_import(job_id: int) -> str:
    return run_check(job_id=job_id)


@task()
def run_registry_import(job_id: int) -> str:
    return run_import(job_id=job_id)


@task()
def expire_registry_import(job_id: int) -> bool:
    return expire_import(job_id=job_id)


# The tasks that run a job (``core.jobs`` closes those of a worker that died).
TASK_PATHS = (check_registry_import.module_path, run_registry_import.module_path)
