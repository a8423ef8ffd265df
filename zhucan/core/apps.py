from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhucan.core"
    verbose_name = _("Audit log and shared records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from zhucan.core import checks  # noqa: F401 - registers the deployment checks
        from zhucan.core.images import configure_pillow
        from zhucan.core.request_id import task_finished as end_task
        from zhucan.core.request_id import task_started as start_task

        configure_pillow()
        # A task's audit entries and log lines carry the task's id (core/request_id.py).
        task_started.connect(start_task, dispatch_uid="zhucan_request_id_start")
        task_finished.connect(end_task, dispatch_uid="zhucan_request_id_end")
