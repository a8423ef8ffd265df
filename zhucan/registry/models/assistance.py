"""Help given to a registered person (帮扶): who gave it, in which campaign and activity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhucan.activities.models import ActivityReport, Visit
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.registry.models.people import Person


class Assistance(models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        GOODS = "goods", _("Goods")
        EMPLOYMENT = "employment", _("Employment")
        REHABILITATION = "rehabilitation", _("Rehabilitation")
        MEDICAL = "medical", _("Medical")
        EDUCATION = "education", _("Education")
        SAFETY_NET = "safety_net", _("Safety-net support (兜底保障)")
        OTHER = "other", _("Other")

    # Empty once the person is erased (PIPL): the help given stays counted, anonymously.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="assistance"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="assistance_given",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="assistance"
    )
    report = models.ForeignKey(
        ActivityReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="assistance"
    )
    # A household visit (慰问) names the people it reached through these rows. PROTECT: a
    # visit with people recorded is never deleted silently (the report's save keeps visits by
    # id and refuses, with a message, to remove one that has people).
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="assistance"
    )
    kind = models.CharField(_("kind of help"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=0)
    given_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        indexes = [models.Index(fields=["campaign", "person"], name="assistance_campaign_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="assistance_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on}"

    @property
    def audit_org_path(self) -> str:
        return self.person.org_path if self.person is not None else self.organisation.path
