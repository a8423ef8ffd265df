from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "zhucan.stats"
    verbose_name = _("Statistics and dashboards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.activities.signals import accepted_report_returned, report_accepted
        from zhucan.campaigns.signals import first_delivered, receipts_sent
        from zhucan.core import jobs
        from zhucan.stats.models import ExportJob
        from zhucan.stats.services import cells, deliveries
        from zhucan.stats.services.export_jobs import give_up_stale, retry_stale
        from zhucan.stats.tasks import EXPORT_TASK_PATH, export_reports

        jobs.register_tasks(export_reports)
        jobs.register(
            jobs.JobKind(
                model=ExportJob,
                retry=retry_stale,
                give_up=give_up_stale,
                task_paths=(EXPORT_TASK_PATH,),
            )
        )
        # The roll-up cells follow what the lower apps announce, in their transaction.
        receipts_sent.connect(deliveries.on_receipts_sent, dispatch_uid="stats.recipients")
        first_delivered.connect(deliveries.on_first_delivered, dispatch_uid="stats.deliveries")
        report_accepted.connect(cells.on_report_accepted, dispatch_uid="stats.accepted")
        accepted_report_returned.connect(
            cells.on_accepted_report_returned, dispatch_uid="stats.returned"
        )
