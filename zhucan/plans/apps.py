from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "zhucan.plans"
    verbose_name = _("Activity plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core.todos import register
        from zhucan.plans import todos

        register(todos.plans_to_write)
        register(todos.plans_to_review_todos)
