from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "zhucan.campaigns"
    verbose_name = _("Campaigns and notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.campaigns import todos
        from zhucan.core.todos import register

        register(todos.receipts_to_sign)
