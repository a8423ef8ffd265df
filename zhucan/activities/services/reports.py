"""Writing an activity report: its fields, indicator values and visits, in one save.

A save names the report by the id the phone made for it (``client_id``): a resend after a
dropped connection finds the report it already made and changes nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhucan.activities.dates import check_dates, outside_period
from zhucan.activities.figures import FIGURES
from zhucan.activities.figures import names as figure_names
from zhucan.activities.models import (
    ActivityReport,
    Category,
    Indicator,
    IndicatorValue,
    Institution,
    Mode,
    Visit,
)
from zhucan.activities.services.common import check_version, lock, require
from zhucan.activities.services.institutions import institution_inside
from zhucan.campaigns.models import Campaign, Duty, Receipt
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import Capability
from zhucan.plans.models import PlannedActivity

CENT = Decimal("0.01")
# The default indicator the visits to families give (migration 0002's code).
HOUSEHOLDS_CODE = "households_visited"
REPORT_FIELDS = (
    "category",
    "title",
    "start_date",
    "end_date",
    "region",
    "place",
    "mode",
    *figure_names(),
    "description",
    "safety_measures",
    "planned_activity",
)


@dataclass(frozen=True)
class VisitInput:
    kind: str
    # The saved visit this row is (the edit form's hidden id); None for a new visit.
    pk: int | None = None
    institution: Institution | None = None
    households: int = 0
    leaders: str = ""
    cash: Decimal = Decimal(0)
    goods_value: Decimal = Decimal(0)


@dataclass(frozen=True)
class ReportInput:
    """What the report form (or the phone's quick report, or an Excel row) gives."""

    category: str
    title: str
    start_date: date
    end_date: date
    mode: str
    # The fixed figures (activities.figures), one attribute each, as typed as the model's
    # columns; None: the report does not say (unknown, not zero).
    attendance: int | None = None
    disabled_served: int | None = None
    volunteers: int | None = None
    cash: Decimal = Decimal(0)
    goods_value: Decimal = Decimal(0)
    place: str = ""
    region: Region | None = None
    description: str = ""
    safety_measures: str = ""
    planned_activity: PlannedActivity | None = None
    duties: Sequence[Duty] = ()
    # indicator id -> value; an indicator left out has no value.
    values: Mapping[int, Decimal] = field(default_factory=dict)
    visits: Sequence[VisitInput] = ()
    # The person confirmed dates outside the campaign's period (activities.dates).
    dates_confirmed: bool = False


def indicators_for(campaign: Campaign) -> list[Indicator]:
    """The default indicators, and those the campaign or any campaign above it added (a county's
    campaign asks for what the city's asks for), in their order."""
    from django.db.models import Q

    chain = [campaign.pk]
    parent_id = campaign.parent_id
    while parent_id is not None and len(chain) < 8:
        chain.append(parent_id)
        parent_id = Campaign.objects.filter(pk=parent_id).values_list("parent_id", flat=True)[0]
    return list(Indicator.objects.filter(Q(campaign=None) | Q(campaign__in=chain)))


def _money(value: Decimal, label: str) -> Decimal:
    if value < 0:
        raise DomainError(_("%(field)s cannot be negative.") % {"field": label})
    if value != value.quantize(CENT):
        raise DomainError(
            _("%(field)s: amounts in yuan have at most two decimals.") % {"field": label}
        )
    return value


def _check(
    campaign: Campaign,
    organisation: Organisation,
    data: ReportInput,
    *,
    dates_confirmed: bool | None = None,
) -> None:
    """Refuse the whole save on the first problem, before anything is written.
    ``dates_confirmed``: overrides the input's (a report keeping dates confirmed before)."""
    if not data.title.strip():
        raise DomainError(_("Give the activity a title."), field="title")
    if data.category not in Category.values:
        raise DomainError(_("Choose a category."), field="category")
    if data.mode not in Mode.values:
        raise DomainError(_("Choose online or in person."), field="mode")
    check_dates(
        campaign,
        data.start_date,
        data.end_date,
        confirmed=data.dates_confirmed if dates_confirmed is None else dates_confirmed,
    )
    for figure in FIGURES:
        value = getattr(data, figure.name)
        if figure.is_yuan:
            _money(value, str(figure.noun or figure.label))
        elif value is not None and value < 0:
            raise DomainError(_("Numbers of people cannot be negative."), field=figure.name)
    for duty in data.duties:
        if duty.campaign_id != campaign.pk:
            raise DomainError(
                _("Duty %(number)d belongs to another campaign.") % {"number": duty.number},
                field="duties",
            )
    planned = data.planned_activity
    if planned is not None and (
        planned.plan.campaign_id != campaign.pk or planned.plan.organisation_id != organisation.pk
    ):
        raise DomainError(
            _("The planned activity is not in this organisation's plan for this campaign."),
            field="planned_activity",
        )
    for number, visit in enumerate(data.visits, start=1):
        if visit.kind not in Visit.Kind.values:
            raise DomainError(_("Visit %(n)d: choose what was visited.") % {"n": number})
        if (visit.kind == Visit.Kind.INSTITUTION) != (visit.institution is not None):
            raise DomainError(
                _("Visit %(n)d: name the institution, or choose families in difficulty.")
                % {"n": number}
            )
        if visit.institution is not None and not institution_inside(
            visit.institution, organisation
        ):
            raise DomainError(
                _("Visit %(n)d: %(name)s is not in the area of %(org)s.")
                % {"n": number, "name": visit.institution.name, "org": organisation.name}
            )
        if visit.households < 0:
            raise DomainError(_("Visit %(n)d: households cannot be negative.") % {"n": number})
        _money(visit.cash, _("Visit %(n)d: cash") % {"n": number})
        _money(visit.goods_value, _("Visit %(n)d: value of goods") % {"n": number})


def _check_values(
    campaign: Campaign,
    category: str,
    values: Mapping[int, Decimal],
    indicators: Sequence[Indicator] | None = None,
) -> None:
    """``indicators``: the campaign's, when the caller has them already (the Excel dry run
    checks thousands of rows against the same list)."""
    if indicators is None:
        indicators = indicators_for(campaign)
    known = {i.pk: i for i in indicators}
    for pk, value in values.items():
        indicator = known.get(pk)
        if indicator is None:
            raise DomainError(_("An indicator of another campaign was given. Reload the page."))
        if value < 0:
            raise DomainError(
                _("%(indicator)s cannot be negative.") % {"indicator": indicator.name},
                field=f"indicator_{pk}",
            )
        if indicator.unit == Indicator.Unit.COUNT and value != value.to_integral_value():
            raise DomainError(
                _("%(indicator)s is a whole number.") % {"indicator": indicator.name},
                field=f"indicator_{pk}",
            )
        if value != value.quantize(CENT):
            raise DomainError(
                _("%(indicator)s: amounts in yuan have at most two decimals.")
                % {"indicator": indicator.name},
                field=f"indicator_{pk}",
            )


@transaction.atomic
def save_report(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    data: ReportInput,
    client_id: uuid.UUID | None = None,
    version: int | None = None,
) -> ActivityReport:
    """Create the report (or, with the ``client_id`` of an existing one, change it). A resend of
    a save already made, or of a report already submitted, returns the report unchanged."""
    require(by, Capability.REPORT, organisation)
    if campaign.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("Reports can only be filed for a published, open campaign."))
    if not Receipt.objects.filter(campaign=campaign, organisation=organisation).exists():
        raise DomainError(_("%(org)s did not receive this notice.") % {"org": organisation.name})
    client_id = client_id or uuid.uuid4()
    existing = ActivityReport.objects.filter(client_id=client_id).first()
    if existing is not None:
        report = lock(existing)
        if report.organisation_id != organisation.pk or report.campaign_id != campaign.pk:
            raise DomainError(_("This report belongs to another organisation or campaign."))
        if not report.is_editable:
            return report  # a resend after the submit went through
        if version is not None:
            check_version(report, version)
    # Dates outside the campaign confirmed at an earlier save are not asked about again.
    kept_dates = existing is not None and (existing.start_date, existing.end_date) == (
        data.start_date,
        data.end_date,
    )
    _check(campaign, organisation, data, dates_confirmed=data.dates_confirmed or kept_dates)
    _check_values(campaign, data.category, data.values)
    indicator_values = _households_from_visits(data)
    values = {name: getattr(data, name) for name in REPORT_FIELDS}
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: a parallel resend may win the race
                report = ActivityReport.objects.create(
                    campaign=campaign,
                    organisation=organisation,
                    client_id=client_id,
                    created_by=by,
                    **values,
                )
        except IntegrityError:
            return ActivityReport.objects.get(client_id=client_id)
        changes: dict[str, Any] = {"created": True}
        action = "activities.report.created"
    else:
        changes = audit.diff(report, values)
        report.version += 1
        report.save(update_fields=[*values, "version", "updated_at"])
        action = "activities.report.changed"
    report.duties.set(data.duties)
    report.values.all().delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator_id=pk, value=value)
        for pk, value in indicator_values.items()
    )
    visits = _save_visits(report, data.visits, new=existing is None)
    changes |= {"values": len(indicator_values), "visits": visits}
    if data.dates_confirmed and outside_period(campaign, data.start_date, data.end_date):
        changes["dates_outside_campaign_confirmed"] = True
    audit.record(by=by, action=action, target=report, changes=changes)
    return report


def _households_from_visits(data: ReportInput) -> Mapping[int, Decimal]:
    """The households visited are entered once: a report listing visits to families gives the
    indicator their sum, whatever the figure field said (the edit form shows the last sum
    there, and the visits are the detailed record). Without such visits the figure stands."""
    listed = sum(v.households for v in data.visits if v.kind == Visit.Kind.HOUSEHOLD)
    if not listed:
        return data.values
    indicator = Indicator.objects.filter(campaign=None, code=HOUSEHOLDS_CODE).first()
    if indicator is None:
        return data.values
    return {**data.values, indicator.pk: Decimal(listed)}


VISIT_FIELDS = ("kind", "institution", "households", "leaders", "cash", "goods_value")


def _save_visits(
    report: ActivityReport, visits: Sequence[VisitInput], *, new: bool
) -> dict[str, list[int]]:
    """Change the saved visits in place, add the new ones and delete only those the form no
    longer lists. A visit keeps its id through every correction of the report, so the people
    recorded as visited by it (registry assistance) stay linked to it."""
    saved = {} if new else {v.pk: v for v in report.visits.select_related("institution")}
    kept: dict[int, VisitInput] = {}
    for number, visit in enumerate(visits, start=1):
        if visit.pk is None:
            continue
        if visit.pk not in saved or visit.pk in kept:
            raise DomainError(
                _("Visit %(n)d is not a visit of this report. Reload the page.") % {"n": number}
            )
        kept[visit.pk] = visit
    removed = [pk for pk in saved if pk not in kept]
    linked = _linked_visits([*removed, *kept])
    for number, visit in enumerate(visits, start=1):
        if visit.pk in linked and visit.kind != Visit.Kind.HOUSEHOLD:
            raise DomainError(
                _(
                    "Visit %(n)d: people on the register are recorded as visited by it, so it "
                    "stays a visit to families."
                )
                % {"n": number}
            )
    if any(pk in linked for pk in removed):
        raise DomainError(
            _(
                "A visit you removed has people on the register recorded as visited by it. "
                "Correct that visit instead of removing it, or ask the registry keeper to "
                "remove those records first."
            )
        )
    changed = []
    for pk, visit in kept.items():
        row = saved[pk]
        if audit.diff(row, {name: getattr(visit, name) for name in VISIT_FIELDS}):
            row.save(update_fields=list(VISIT_FIELDS))
            changed.append(pk)
    if removed:
        Visit.objects.filter(pk__in=removed).delete()
    added = Visit.objects.bulk_create(
        Visit(report=report, **{name: getattr(v, name) for name in VISIT_FIELDS})
        for v in visits
        if v.pk is None
    )
    return {"changed": changed, "removed": removed, "added": [v.pk for v in added]}


def _linked_visits(pks: Sequence[int]) -> set[int]:
    """Which of these visits have people recorded as visited by them (the registry's
    assistance rows, reached through the reverse relation: activities do not import the
    registry above them)."""
    if not pks:
        return set()
    return set(
        Visit.objects.filter(pk__in=pks, assistance__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
