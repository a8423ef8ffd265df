from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "zhucan.orgs"
    verbose_name = _("Organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from zhucan.orgs.access_version import membership_changed
        from zhucan.orgs.models import Membership

        post_save.connect(membership_changed, sender=Membership, dispatch_uid="orgs.membership")
        post_delete.connect(membership_changed, sender=Membership, dispatch_uid="orgs.membership")
