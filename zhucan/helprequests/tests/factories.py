"""Help requests for the tests, filed through the public form's service."""

from __future__ import annotations

import uuid
from typing import Any

from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import RequestInput, submit_request
from zhucan.orgs.models import Membership, Region
from zhucan.testing.factories import make_org, make_user

PHONE = "13812345678"
DESCRIPTION = "我母亲行动不便，家里收入减少，想申请帮扶"


def make_request(
    world: Any,
    *,
    region: str = "410402",
    phone: str = PHONE,
    address: str | None = None,
    token: uuid.UUID | None = None,
    spam_reason: str = "",
    **fields: Any,
) -> HelpRequest:
    values: dict[str, Any] = {
        "kind": HelpRequest.Kind.INCOME_FELL,
        "phone": phone,
        "description": DESCRIPTION,
        "region": Region.objects.get(code=region),
    }
    return submit_request(
        by=None,
        site=world.city,
        data=RequestInput(**(values | fields)),
        token=token,
        address=address,
        spam_reason=spam_reason,
    )


def make_township(world: Any, name: str = "光明路街道办事处") -> Any:
    """A township office inside county A, with one reporter."""
    office = make_org(name=name, parent=world.county_a, kind="government", region_code="410402")
    worker = make_user(username=f"worker_{office.pk}", org=office, role=Membership.Role.REPORTER)
    return office, worker
