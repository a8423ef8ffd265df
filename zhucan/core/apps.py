from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhucan.core"
    verbose_name = _("Audit log and shared records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core import checks  # noqa: F401 - registers the deployment checks
        from zhucan.core.images import configure_pillow

        configure_pillow()
