"""Whether an activity's dates make sense for a report, and for its campaign.

An impossible date is refused: an end before the start, a day after today (a report tells what
was done), a year before 2000 (a typing slip such as 0202 or 1920). A date outside the
campaign's year is possible but usually a slip too (an activity of 2013 filed in the 2020
campaign): the person is asked to confirm it, and nothing is saved until they do.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.campaigns.models import Campaign
from zhucan.core.errors import DomainError

EARLIEST = date(2000, 1, 1)
CONFIRM_FIELD = "confirm_dates"


class DatesOutsideCampaignError(DomainError):
    """The dates are possible but outside the campaign's period: the form asks to confirm."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field=CONFIRM_FIELD)


def campaign_period(campaign: Campaign) -> tuple[date, date]:
    """The campaign's year: a notice asks for activities around its day, within its year."""
    return date(campaign.year, 1, 1), date(campaign.year, 12, 31)


def check_dates(
    campaign: Campaign,
    start: date,
    end: date,
    *,
    confirmed: bool,
    today: date | None = None,
) -> None:
    """Refuse impossible dates; raise ``DatesOutsideCampaignError`` for dates outside the
    campaign's period unless the person confirmed them."""
    today = today or timezone.localdate()
    if start < EARLIEST:
        raise DomainError(
            _("The start date %(date)s is before %(year)d. Check the year.")
            % {"date": start.isoformat(), "year": EARLIEST.year},
            field="start_date",
        )
    if end < start:
        raise DomainError(_("The end date is before the start date."), field="end_date")
    if start > today:
        raise DomainError(
            _("The start date %(date)s is after today: report an activity once it has happened.")
            % {"date": start.isoformat()},
            field="start_date",
        )
    if end > today:
        raise DomainError(
            _("The end date %(date)s is after today: report an activity once it has happened.")
            % {"date": end.isoformat()},
            field="end_date",
        )
    if not confirmed and outside_period(campaign, start, end):
        raise DatesOutsideCampaignError(outside_message(campaign, start, end))


def outside_period(campaign: Campaign, start: date, end: date) -> bool:
    first, last = campaign_period(campaign)
    return start < first or end > last


def outside_message(campaign: Campaign, start: date, end: date) -> str:
    first, last = campaign_period(campaign)
    return _(
        "The activity (%(start)s to %(end)s) is outside this campaign's period, %(first)s to "
        "%(last)s. Correct the dates, or tick the box to confirm they are right."
    ) % {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=gettext_lazy("These dates are right, although outside the campaign's period"),
        required=False,
    )


def offer_confirmation(form: forms.BaseForm, error: DomainError) -> None:
    """Show the confirmation box (only after dates outside the period were refused once)."""
    if isinstance(error, DatesOutsideCampaignError) and CONFIRM_FIELD not in form.fields:
        form.fields[CONFIRM_FIELD] = confirm_field()


def add_confirm_field_if_sent(form: forms.BaseForm) -> None:
    """A form sent with the box keeps it, ticked or not, so the person can see their answer."""
    if form.is_bound and CONFIRM_FIELD in form.data:
        form.fields[CONFIRM_FIELD] = confirm_field()
