from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpRequestsConfig(AppConfig):
    name = "zhucan.helprequests"
    verbose_name = _("Help requests")
    default_auto_field = "django.db.models.BigAutoField"
