from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpRequestsConfig(AppConfig):
    name = "zhucan.helprequests"
    verbose_name = _("Help requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.completeness.hooks import register_sweep_hook
        from zhucan.helprequests.services.reminders import sweep_help_requests

        # Overdue requests are reminded by the same periodic sweep as campaigns' deliverables.
        register_sweep_hook(sweep_help_requests)
