"""Help requests made directly in the database, sealed as the help-request services seal them
(``registry.crypto``), at the times and in the states a test needs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from zhucan.helprequests.models import HelpRequest
from zhucan.orgs.models import Organisation
from zhucan.registry import crypto

_numbers = count(1)


def at(day: date, hour: int = 9) -> datetime:
    """A local time on ``day`` (Asia/Shanghai unless configured otherwise)."""
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def make_help_request(
    *,
    organisation: Organisation,
    received: datetime,
    kind: str = HelpRequest.Kind.MEDICAL,
    status: str = HelpRequest.Status.RECEIVED,
    acknowledged: datetime | None = None,
    answered: datetime | None = None,
    acknowledge_days: int = 2,
    answer_days: int = 7,
    **fields: Any,
) -> HelpRequest:
    """A request with its county; deadlines counted in calendar days from the day received
    (the figures read the stored dates, whatever rule set them)."""
    phone = f"1380000{next(_numbers):04d}"
    if answered is not None and status == HelpRequest.Status.RECEIVED:
        status = HelpRequest.Status.ANSWERED
    request = HelpRequest.objects.create(
        number=f"QZ{next(_numbers):08d}",
        kind=kind,
        organisation=organisation,
        org_path=organisation.path,
        phone_ct=crypto.encrypt(phone, field="phone"),
        phone_index=crypto.blind_index(phone),
        phone_masked=phone[:3] + "****" + phone[-4:],
        description_ct=crypto.encrypt("家里老人行动不便，需要帮助。", field="description"),
        status=status,
        outcome="已联系并安排上门服务。" if status == HelpRequest.Status.ANSWERED else "",
        acknowledge_due=timezone.localdate(received) + timedelta(days=acknowledge_days),
        answer_due=timezone.localdate(received) + timedelta(days=answer_days),
        acknowledged_at=acknowledged,
        answered_at=answered,
        **fields,
    )
    # received_at is set on insert (auto_now_add): put the test's time in afterwards.
    HelpRequest.objects.filter(pk=request.pk).update(received_at=received)
    request.refresh_from_db()
    return request
