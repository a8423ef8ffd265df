from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompletenessConfig(AppConfig):
    name = "zhucan.completeness"
    verbose_name = _("Completeness and reminders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhucan.campaigns.signals import (
            campaign_published,
            deadlines_moved,
            first_delivered,
            receipts_due_chosen,
            receipts_sent,
        )
        from zhucan.completeness import counts
        from zhucan.completeness.services import on_receipts_due_chosen
        from zhucan.completeness.tasks import on_campaign_published
        from zhucan.completeness.todos import units_to_follow_up
        from zhucan.core.todos import register

        campaign_published.connect(on_campaign_published, dispatch_uid="completeness.sweep")
        receipts_due_chosen.connect(on_receipts_due_chosen, dispatch_uid="completeness.receipts")
        register(units_to_follow_up)
        # The counts the completeness page reads, kept in the deliveries' own transactions.
        receipts_sent.connect(counts.on_receipts_sent, dispatch_uid="completeness.counts")
        first_delivered.connect(counts.on_first_delivered, dispatch_uid="completeness.counts")
        deadlines_moved.connect(counts.on_deadlines_moved, dispatch_uid="completeness.counts")
