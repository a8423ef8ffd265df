from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "zhucan.campaigns"
    verbose_name = "Campaigns and notices"
    default_auto_field = "django.db.models.BigAutoField"
