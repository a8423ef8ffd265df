from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "zhucan.activities"
    verbose_name = "Activity reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.activities import todos
        from zhucan.core.todos import register

        register(todos.reports_to_review_todos)
        register(todos.returned_reports_todos)
