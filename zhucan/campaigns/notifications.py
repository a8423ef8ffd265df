"""Messages about receipts: email through Django's backend; the to-do list shows them too."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Receipt
from zhucan.orgs.models import Membership


def notify_receipt_reminder(receipt_pk: int) -> None:
    receipt = Receipt.objects.select_related("campaign__notice", "organisation").get(pk=receipt_pk)
    emails = sorted(
        set(
            Membership.objects.filter(organisation=receipt.organisation, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if receipt.organisation.email:
        emails.append(receipt.organisation.email)
    if not emails:
        return
    title = receipt.campaign.notice.title
    send_mail(
        subject=_("Please sign for the notice: %(title)s") % {"title": title},
        message=_(
            "%(org)s has not yet signed for the notice %(title)s. Please sign for it in Zhucan."
        )
        % {"org": receipt.organisation.name, "title": title},
        from_email=None,
        recipient_list=emails,
        fail_silently=True,
    )
