from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhucan.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core.images import configure_pillow

        configure_pillow()
