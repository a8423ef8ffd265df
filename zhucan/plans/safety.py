"""Checking a plan against its campaign's epidemic-safety rules (疫情防控).

Pure functions over the activities as they are (saved rows or the rows of a form), so the same
check gives the author's warnings, the reviewer's, the overview's count and the submit refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.plans.models import PlannedActivity, SafetyRules

IN_PERSON_MODES = (PlannedActivity.Mode.IN_PERSON, PlannedActivity.Mode.BOTH)
# An activity with an online part counts as online: the 2020 notice asks for online and
# remote forms, and a mixed activity is one.
ONLINE_MODES = (PlannedActivity.Mode.ONLINE, PlannedActivity.Mode.BOTH)


@dataclass(frozen=True)
class RuleBreak:
    message: str
    activity_id: int | None = None


def rules_for(campaign: Campaign) -> SafetyRules:
    """The campaign's rules, or the defaults (unsaved) when nobody has set them yet.

    Reads never write: the row is created by the first service that needs it to exist.
    """
    # The missing related object's exception is also an AttributeError, so getattr answers None.
    rules = getattr(campaign, "safety_rules", None)
    return rules if rules is not None else SafetyRules(campaign=campaign)


def online_share(activities: Sequence[Any]) -> int | None:
    """Percentage of activities with an online part, or None for a plan without activities."""
    if not activities:
        return None
    online = sum(1 for a in activities if a.mode in ONLINE_MODES)
    return round(100 * online / len(activities))


def _missing_measures(text: str, required: Iterable[str]) -> list[str]:
    return [item for item in required if item and item not in text]


def check_activities(rules: SafetyRules, activities: Sequence[Any]) -> list[RuleBreak]:
    """Every rule a plan's activities break, each with a message a person can act on."""
    found: list[RuleBreak] = []
    limit = rules.max_in_person_attendance
    for number, activity in enumerate(activities, start=1):
        if activity.mode not in IN_PERSON_MODES:
            continue
        name = _("Activity %(n)d “%(title)s”") % {"n": number, "title": activity.title}
        pk = getattr(activity, "pk", None)
        # A mixed activity still gathers people, so it is held to the in-person limit.
        if limit is not None and (activity.expected_attendance or 0) > limit:
            found.append(
                RuleBreak(
                    _(
                        "%(activity)s: an attendance of %(n)d is more than the %(limit)d "
                        "people allowed at an in-person activity."
                    )
                    % {"activity": name, "n": activity.expected_attendance, "limit": limit},
                    pk,
                )
            )
        text = (activity.safety_measures or "").strip()
        if not text:
            found.append(
                RuleBreak(
                    _("%(activity)s: an in-person activity must describe its safety measures.")
                    % {"activity": name},
                    pk,
                )
            )
            continue
        missing = _missing_measures(text, rules.required_measures or [])
        if missing:
            found.append(
                RuleBreak(
                    _("%(activity)s: the safety measures do not mention %(missing)s.")
                    % {"activity": name, "missing": "、".join(missing)},
                    pk,
                )
            )
    share = online_share(activities)
    if rules.min_online_percent and share is not None and share < rules.min_online_percent:
        found.append(
            RuleBreak(
                _(
                    "%(share)d%% of the activities are online; the campaign asks for at least "
                    "%(minimum)d%%."
                )
                % {"share": share, "minimum": rules.min_online_percent}
            )
        )
    return found
