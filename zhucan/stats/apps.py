from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhucan.stats"
    verbose_name = "Statistics and dashboards"
    default_auto_field = "django.db.models.BigAutoField"
