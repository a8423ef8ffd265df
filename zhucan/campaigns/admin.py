from django.contrib import admin

from zhucan.campaigns.models import CampaignKind


@admin.register(CampaignKind)
class CampaignKindAdmin(admin.ModelAdmin[CampaignKind]):
    """Campaign kinds are configuration: a superuser adds a new day and its date rule here."""

    list_display = ["name", "date_rule", "month", "day", "weekday", "nth", "first_year"]
