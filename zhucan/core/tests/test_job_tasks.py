"""Services queue their tasks by path through core.jobs, so a path must name a registered task."""

import pytest

from zhucan.activities.services.imports import IMPORT_TASK_PATH
from zhucan.core import jobs
from zhucan.registry.imports.jobs import CHECK_TASK, EXPIRE_TASK, IMPORT_TASK
from zhucan.stats.services.export_jobs import EXPORT_TASK_PATH


@pytest.mark.parametrize(
    "path", [IMPORT_TASK_PATH, EXPORT_TASK_PATH, CHECK_TASK, IMPORT_TASK, EXPIRE_TASK]
)
def test_every_path_a_service_queues_is_a_registered_task(path: str) -> None:
    assert jobs._tasks[path].module_path == path


def test_every_job_kind_names_registered_tasks() -> None:
    for kind in jobs._kinds.values():
        for path in kind.task_paths:
            assert path in jobs._tasks, path


def test_an_unknown_task_is_refused_rather_than_lost() -> None:
    with pytest.raises(KeyError):
        jobs.enqueue("zhucan.nowhere.tasks.nothing", job_id=1)
