"""Inputs and checks shared by the plan services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhucan.campaigns.models import Duty
from zhucan.orgs.access import require_capability
from zhucan.orgs.models import Region

# The services' name for the one capability check (a name here, so that it is exported).
require = require_capability


@dataclass(frozen=True)
class ActivityInput:
    """One planned activity as a form gives it; ``id`` is None for a new one."""

    title: str
    start_date: date
    end_date: date
    category: str
    mode: str
    expected_attendance: int
    person_responsible: str
    id: int | None = None
    duty: Duty | None = None
    place: str = ""
    region: Region | None = None
    safety_measures: str = ""
    phone: str = ""
    is_public: bool = False
    online_link: str = ""
    venue_access: str = ""
    by_appointment: bool = False


@dataclass(frozen=True)
class CommentInput:
    """A remark on the whole plan (no section, no activity), one section or one activity."""

    text: str
    section: str = ""
    activity_id: int | None = None
