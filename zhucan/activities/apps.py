from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "zhucan.activities"
    verbose_name = _("Activity reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.activities import todos
        from zhucan.activities.models import ImportJob
        from zhucan.activities.services.imports import give_up_stale, retry_stale
        from zhucan.activities.tasks import IMPORT_TASK_PATH, import_reports
        from zhucan.core import jobs
        from zhucan.core.todos import register

        register(todos.reports_due_todos)
        register(todos.reports_to_review_todos)
        register(todos.returned_reports_todos)
        jobs.register_tasks(import_reports)
        jobs.register(
            jobs.JobKind(
                model=ImportJob,
                retry=retry_stale,
                give_up=give_up_stale,
                task_paths=(IMPORT_TASK_PATH,),
            )
        )
