from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhucan.registry"
    verbose_name = "Registry of disabled people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core import jobs
        from zhucan.registry.imports.jobs import give_up_stale, retry_stale
        from zhucan.registry.imports.tasks import TASK_PATHS
        from zhucan.registry.models import RegistryImport

        jobs.register(
            jobs.JobKind(
                model=RegistryImport,
                retry=retry_stale,
                give_up=give_up_stale,
                task_paths=TASK_PATHS,
            )
        )
