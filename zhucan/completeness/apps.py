from django.apps import AppConfig


class CompletenessConfig(AppConfig):
    name = "zhucan.completeness"
    verbose_name = "Completeness and reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.campaigns.signals import campaign_published
        from zhucan.completeness.tasks import on_campaign_published

        campaign_published.connect(on_campaign_published, dispatch_uid="completeness.sweep")
