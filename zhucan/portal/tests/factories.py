"""What a visitor sends with the public help form."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core import signing

from zhucan.portal import help_forms


def stamp(seconds_ago: float = 60) -> str:
    # Signed as the form does, as if drawn ``seconds_ago``.
    return signing.dumps(time.time() - seconds_ago, salt=help_forms._SALT)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "started": stamp(),
        "kind": "medical",
        "region": "410402",
        "place": "",
        "phone": "138 1234 5678",
        "preferred_time": "工作日下午",
        "contact": "phone",
        "name": "",
        "id_number": "",
        "description": "我父亲需要轮椅，家里买不起",
        "website": "",
    }
    return data | overrides
