"""The epidemic-safety rules a campaign's issuer sets for the plans written for it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.roles import Capability
from zhucan.plans.models import SafetyRules
from zhucan.plans.services.common import require


@transaction.atomic
def update_safety_rules(
    *,
    by: Actor,
    campaign: Campaign,
    version: int,
    max_in_person_attendance: int | None,
    required_measures: list[str],
    min_online_percent: int,
    enforce: bool,
) -> SafetyRules:
    """Change the rules (creating them with the defaults first, the first time)."""
    require(by, Capability.COORDINATE, campaign.issuing_org)
    # get_or_create retries a lost insert race as a get, so two first edits cannot both insert.
    created = SafetyRules.objects.get_or_create(campaign=campaign)[0]
    rules = (
        SafetyRules.objects.select_for_update(of=("self",))
        .select_related("campaign__issuing_org")
        .get(pk=created.pk)
    )
    if rules.version != version:
        raise DomainError(
            _(
                "Someone else changed these rules while you had them open. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    if max_in_person_attendance is not None and max_in_person_attendance < 1:
        raise DomainError(
            _("The largest attendance must be at least 1, or empty for no limit."),
            field="max_in_person_attendance",
        )
    if not 0 <= min_online_percent <= 100:
        raise DomainError(
            _("The share of online activities is a percentage from 0 to 100."),
            field="min_online_percent",
        )
    measures = list(dict.fromkeys(m.strip() for m in required_measures if m.strip()))
    changes = audit.diff(
        rules,
        {
            "max_in_person_attendance": max_in_person_attendance,
            "required_measures": measures,
            "min_online_percent": min_online_percent,
            "enforce": enforce,
        },
    )
    rules.updated_by = by
    rules.version += 1
    rules.save(update_fields=[*changes, "version", "updated_by", "updated_at"])
    audit.record(by=by, action="plans.safety_rules.changed", target=rules, changes=changes)
    return rules
