from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhucan.stats"
    verbose_name = "Statistics and dashboards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core import jobs
        from zhucan.stats.models import ExportJob
        from zhucan.stats.services.export_jobs import give_up_stale, retry_stale

        jobs.register(jobs.JobKind(model=ExportJob, retry=retry_stale, give_up=give_up_stale))
