from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "zhucan.summaries"
    verbose_name = "Summary reports"
    default_auto_field = "django.db.models.BigAutoField"
