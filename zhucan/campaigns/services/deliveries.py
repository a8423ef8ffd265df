"""A recipient's first plan and first report, kept on its receipt (completeness reads them there).

The plans and activities services call ``record_first_delivery`` in their own transaction; the
statistics hear of it through the ``first_delivered`` signal, as they do of a signed receipt.
"""

from __future__ import annotations

from datetime import datetime

from zhucan.campaigns.models import Receipt
from zhucan.campaigns.signals import first_delivered
from zhucan.orgs.models import Organisation

# Where a recipient's receipt keeps the moment of its first plan or report.
FIRST_AT = {"plan": "first_plan_at", "report": "first_report_at"}


def record_first_delivery(
    *, campaign_id: int, organisation: Organisation, kind: str, at: datetime
) -> None:
    """A recipient submitted a plan or report (``kind``): the first one's moment goes on its
    receipt and is announced, once; later ones change nothing."""
    field = FIRST_AT[kind]
    if Receipt.objects.filter(
        campaign_id=campaign_id, organisation_id=organisation.pk, **{f"{field}__isnull": True}
    ).update(**{field: at}):
        first_delivered.send(
            sender=Receipt, campaign_id=campaign_id, org_path=organisation.path, kind=kind, at=at
        )
