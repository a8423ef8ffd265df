"""Frozen submissions: the snapshot a submission stores, and what changed between two.

A snapshot is plain JSON so that a version reads the same years later, whatever happens to the
rows it was taken from. Activities keep their id, so a changed activity is matched with its old
self field by field rather than shown as one removed and one added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from zhucan.plans.models import SECTIONS, Plan, PlanComment, PlannedActivity, VenueAccess

ACTIVITY_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "duty",
    "category",
    "mode",
    "expected_attendance",
    "place",
    "region",
    "safety_measures",
    "person_responsible",
    "phone",
    "is_public",
    "online_link",
    "venue_access",
    "by_appointment",
)
# What a snapshot taken before a field existed holds for it: the field's default, so that an
# old version compared with a new one shows no change nobody made.
SNAPSHOT_DEFAULTS: dict[str, Any] = {
    "is_public": False,
    "online_link": "",
    "venue_access": "",
    "by_appointment": False,
}


def _duty_label(activity: PlannedActivity) -> str:
    duty = activity.duty
    return f"{duty.number}. {duty.text[:40]}" if duty else ""


def activity_snapshot(activity: PlannedActivity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "title": activity.title,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "duty": activity.duty.number if activity.duty else None,
        "duty_label": _duty_label(activity),
        "category": activity.category,
        "mode": activity.mode,
        "expected_attendance": activity.expected_attendance,
        "place": activity.place,
        "region": activity.region_id,
        "region_label": activity.region.name if activity.region else "",
        "safety_measures": activity.safety_measures,
        "person_responsible": activity.person_responsible,
        "phone": activity.phone,
        "is_public": activity.is_public,
        "online_link": activity.online_link,
        "venue_access": activity.venue_access,
        "by_appointment": activity.by_appointment,
    }


def take_snapshot(plan: Plan, activities: Sequence[PlannedActivity]) -> dict[str, Any]:
    return {
        "sections": {key: getattr(plan, key) for key in SECTIONS},
        "document": plan.document_name,
        "activities": [activity_snapshot(a) for a in activities],
    }


def field_label(name: str) -> str:
    model_field = PlannedActivity._meta.get_field(name)
    return capfirst(str(getattr(model_field, "verbose_name", name)))


def section_label(key: str) -> str:
    return str(PlanComment.Section(key).label)


def display_value(activity: dict[str, Any], name: str) -> str:
    """How a snapshot value reads to a person: labels, not codes; a dash for nothing."""
    value = activity.get(name, SNAPSHOT_DEFAULTS.get(name))
    if name == "category" and value in PlannedActivity.Category.values:
        return str(PlannedActivity.Category(value).label)
    if name == "mode" and value in PlannedActivity.Mode.values:
        return str(PlannedActivity.Mode(value).label)
    if name == "venue_access" and value in VenueAccess.values:
        return str(VenueAccess(value).label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in ("duty", "region"):
        value = activity.get(f"{name}_label") or value
    return "—" if value in (None, "") else str(value)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class ActivityChange:
    title: str
    changes: list[Change]


@dataclass
class PlanDiff:
    sections: list[Change] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[ActivityChange] = field(default_factory=list)
    document: Change | None = None

    @property
    def has_changes(self) -> bool:
        return bool(self.sections or self.added or self.removed or self.changed or self.document)


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    """What changed from one submitted version to the next."""
    result = PlanDiff()
    old_sections, new_sections = old.get("sections", {}), new.get("sections", {})
    for key in SECTIONS:
        before, after = old_sections.get(key, ""), new_sections.get(key, "")
        if before != after:
            result.sections.append(Change(section_label(key), before or "—", after or "—"))
    if old.get("document", "") != new.get("document", ""):
        result.document = Change(
            _("Plan document"), old.get("document") or "—", new.get("document") or "—"
        )
    old_rows = {a["id"]: a for a in old.get("activities", [])}
    new_rows = {a["id"]: a for a in new.get("activities", [])}
    result.removed = [a for pk, a in old_rows.items() if pk not in new_rows]
    for pk, after in new_rows.items():
        before = old_rows.get(pk)
        if before is None:
            result.added.append(after)
            continue
        changes = [
            Change(field_label(name), display_value(before, name), display_value(after, name))
            for name in ACTIVITY_FIELDS
            if before.get(name, SNAPSHOT_DEFAULTS.get(name))
            != after.get(name, SNAPSHOT_DEFAULTS.get(name))
        ]
        if changes:
            result.changed.append(ActivityChange(after["title"], changes))
    return result
