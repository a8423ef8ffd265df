"""Every write to campaigns goes through these functions (one transaction, one audit entry)."""

from zhucan.campaigns.services.attachments import (
    add_attachment,
    close_campaign,
    remove_attachment,
)
from zhucan.campaigns.services.deadlines import set_deadlines
from zhucan.campaigns.services.notices import (
    create_child_campaign,
    import_notice,
    set_extra_recipient,
    update_duties,
    update_notice,
)
from zhucan.campaigns.services.publishing import publish_campaign, publish_with_deadlines
from zhucan.campaigns.services.receipts import sign_receipt

__all__ = [
    "add_attachment",
    "close_campaign",
    "remove_attachment",
    "update_duties",
    "create_child_campaign",
    "set_extra_recipient",
    "import_notice",
    "publish_campaign",
    "publish_with_deadlines",
    "set_deadlines",
    "sign_receipt",
    "update_notice",
]
