from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhucan.plans"
    verbose_name = "Activity plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.core.todos import register
        from zhucan.plans import todos

        register(todos.plans_to_write)
        register(todos.plans_to_review_todos)
