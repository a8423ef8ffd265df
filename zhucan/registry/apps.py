from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "zhucan.registry"
    verbose_name = _("Registry of disabled people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_tasks.signals import task_started

        from zhucan.registry import checks  # noqa: F401 - registers the key checks
        from zhucan.registry.keycheck import verify_before_task

        # A worker started with the wrong keys fails each task with the reason, rather than
        # importing people a second time under an index nobody else searches.
        task_started.connect(verify_before_task, dispatch_uid="registry.verify_keys")

        from zhucan.core import jobs
        from zhucan.registry.imports.jobs import give_up_stale, retry_stale
        from zhucan.registry.imports.tasks import (
            TASK_PATHS,
            check_registry_import,
            expire_registry_import,
            run_registry_import,
        )
        from zhucan.registry.models import RegistryImport

        jobs.register_tasks(check_registry_import, run_registry_import, expire_registry_import)
        jobs.register(
            jobs.JobKind(
                model=RegistryImport,
                retry=retry_stale,
                give_up=give_up_stale,
                task_paths=TASK_PATHS,
            )
        )
