from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "zhucan.stats"
    verbose_name = _("Statistics and dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core import jobs
        from zhucan.stats.models import ExportJob
        from zhucan.stats.services.export_jobs import give_up_stale, retry_stale
        from zhucan.stats.tasks import EXPORT_TASK_PATH

        jobs.register(
            jobs.JobKind(
                model=ExportJob,
                retry=retry_stale,
                give_up=give_up_stale,
                task_paths=(EXPORT_TASK_PATH,),
            )
        )
