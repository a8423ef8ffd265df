from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhucan.registry"
    verbose_name = "Registry of disabled people"
    default_auto_field = "django.db.models.BigAutoField"
