from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zhucan.campaigns"
    verbose_name = "Campaigns and notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.campaigns import todos
        from zhucan.core.todos import register

        register(todos.receipts_to_sign)
