"""The indicators a campaign adds to the default set (DHIS2's data elements, set per campaign)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhucan.activities.models import Category, Indicator
from zhucan.activities.services.common import require
from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.idempotency import create_once
from zhucan.orgs.roles import Capability

NAME_MAX = 60
MEASURE_MAX = 4


@transaction.atomic
def add_indicator(
    *,
    by: Actor,
    campaign: Campaign,
    name: str,
    unit: str,
    categories: Sequence[str] = (),
    measure: str = "",
    token: uuid.UUID | None = None,
) -> Indicator:
    """Add a figure the campaign's reports give; it applies to cascaded campaigns too.
    ``measure``: the measure word (件, 户, 人) the summary writes a count with.
    ``token``: the form's; the form sent twice answers with the indicator it added."""
    require(by, Capability.COORDINATE, campaign.issuing_org)
    locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the indicator a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            _("The name is at most %(n)d characters.") % {"n": NAME_MAX}, field="name"
        )
    if unit not in Indicator.Unit.values:
        raise DomainError(_("Choose whole numbers or amounts in yuan."), field="unit")
    measure = "".join(measure.split())
    if len(measure) > MEASURE_MAX or any(c.isdigit() for c in measure):
        raise DomainError(
            _("Give a measure word of at most %(n)d characters, such as 件 or 人.")
            % {"n": MEASURE_MAX},
            field="measure",
        )
    if unit == Indicator.Unit.YUAN:
        measure = ""  # amounts are written in 元 or 万元
    unknown = set(categories) - set(Category.values)
    if unknown:
        raise DomainError(_("Choose categories from the list."), field="categories")
    return create_once(
        by=by,
        token=token,
        model=Indicator,
        create=lambda: _create(
            by=by,
            campaign=locked,
            name=name,
            unit=unit,
            categories=categories,
            measure=measure,
        ),
    )


def _create(
    *,
    by: Actor,
    campaign: Campaign,
    name: str,
    unit: str,
    categories: Sequence[str],
    measure: str,
) -> Indicator:
    locked = campaign
    existing = Indicator.objects.filter(Q(campaign=None) | Q(campaign=locked))
    if existing.filter(name=name).exists():
        raise DomainError(
            _("There is already an indicator named %(name)s.") % {"name": name}, field="name"
        )
    number = Indicator.objects.filter(campaign=locked).count() + 1
    indicator = Indicator.objects.create(
        campaign=locked,
        code=f"c{locked.pk}-{number}",
        name=name,
        unit=unit,
        measure=measure,
        categories=sorted(set(categories)),
        position=100 + number,
    )
    audit.record(
        by=by,
        action="activities.indicator.added",
        target=indicator,
        changes={
            "name": name,
            "unit": unit,
            "measure": measure,
            "categories": indicator.categories,
        },
    )
    return indicator


@transaction.atomic
def remove_indicator(*, by: Actor, indicator: Indicator) -> None:
    """Remove a campaign's own indicator that no report has used yet."""
    if indicator.campaign is None:
        raise DomainError(_("The default indicators cannot be removed."))
    require(by, Capability.COORDINATE, indicator.campaign.issuing_org)
    used = indicator.values.count()
    if used:
        raise DomainError(
            _("%(name)s is already used in %(n)d reports and cannot be removed.")
            % {"name": indicator.name, "n": used}
        )
    audit.record(
        by=by,
        action="activities.indicator.removed",
        target=indicator,
        changes={"name": indicator.name},
    )
    indicator.delete()
