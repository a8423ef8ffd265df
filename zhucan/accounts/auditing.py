"""Audit entries about a person's account, filed where that person's auditors look."""

from __future__ import annotations

from typing import Any

from django.db import models

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership


def membership_roots(person: Any) -> list[str]:
    """The paths of the organisations ``person`` belongs to, leaving out any that lies inside
    another (an auditor of the outer one sees entries filed under it already)."""
    if person is None or getattr(person, "pk", None) is None:
        return []
    paths = sorted(
        set(Membership.objects.filter(user=person).values_list("organisation__path", flat=True))
    )
    roots: list[str] = []
    for path in paths:  # sorted, so an outer path comes before the paths inside it
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def record_for_person(
    *,
    by: Actor | None,
    action: str,
    person: Any,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """One entry per organisation subtree the person belongs to, so that the auditors of each
    see it (an entry has one path, and an auditor sees the paths under theirs). Someone with
    no organisation, or an unknown user name, gets one entry without a path: only the top level
    (superusers) sees those."""
    target = target if target is not None else person
    roots = membership_roots(person) or [""]
    return [
        audit.record(by=by, action=action, target=target, changes=changes, org_path=root)
        for root in roots
    ]
