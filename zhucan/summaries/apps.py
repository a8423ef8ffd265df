from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "zhucan.summaries"
    verbose_name = _("Summary reports")
    default_auto_field = "django.db.models.BigAutoField"
