"""Every write to summary reports: saving what a person wrote, and recording each generation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation
from zhucan.summaries.access import can_edit
from zhucan.summaries.models import SummaryReport

TEXT_MAX = 5000
FORMATS = ("docx", "pdf")


class StaleSummaryError(DomainError):
    """Someone saved the summary after this form was opened. Carries what is saved now, so the
    page can show it beside the text the person typed (which is not lost)."""

    def __init__(self, message: str, *, current: SummaryReport) -> None:
        super().__init__(message)
        self.current = current


def _clean(value: str, label: str) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > TEXT_MAX:
        raise DomainError(
            _("%(field)s can be at most %(n)d characters.") % {"field": label, "n": TEXT_MAX}
        )
    return value


def _lock(campaign: Campaign, organisation: Organisation, by: Actor) -> tuple[SummaryReport, bool]:
    """The (campaign, organisation) row locked for the edit; made at version 0 if missing, so
    that a first save is checked against "nobody has saved yet" like any other."""
    rows = SummaryReport.objects.select_for_update(of=("self",)).select_related("organisation")
    found = rows.filter(campaign=campaign, organisation=organisation).first()
    if found is not None:
        return found, False
    try:
        # The savepoint keeps the outer transaction usable when two first saves race.
        with transaction.atomic():
            made = SummaryReport.objects.create(
                campaign=campaign, organisation=organisation, version=0, created_by=by
            )
    except IntegrityError:
        return rows.get(campaign=campaign, organisation=organisation), False
    return made, True


@transaction.atomic
def save_summary(
    *,
    by: Actor,
    campaign: Campaign,
    organisation: Organisation,
    version: int,
    overview: str,
    problems: str,
    next_steps: str,
    closing: str,
    duty_remarks: Mapping[int, str] | None = None,
) -> SummaryReport:
    """Save the texts of the organisation's summary. ``version`` is the one the form was built
    from (0 before the first save); a different saved version means someone else saved in the
    meantime, and nothing is overwritten."""
    if not can_edit(by, organisation):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": organisation.name}
        )
    summary, created = _lock(campaign, organisation, by)
    if summary.version != version:
        raise StaleSummaryError(
            _(
                "Someone else saved this summary while you had it open. Your text is still in "
                "the form below and nothing was overwritten: compare it with the saved text, "
                "then save again."
            ),
            current=summary,
        )
    remarks = {
        str(number): text
        for number, raw in sorted((duty_remarks or {}).items())
        if (text := _clean(raw, _("Remarks on duty %(n)d") % {"n": number}))
    }
    values = {
        "overview": _clean(overview, _("Overview")),
        "problems": _clean(problems, _("Problems")),
        "next_steps": _clean(next_steps, _("Next steps")),
        "closing": _clean(closing, _("Closing remarks")),
        "duty_remarks": remarks,
    }
    changes = audit.diff(summary, values)
    summary.version += 1
    summary.updated_by = by
    summary.save(update_fields=["version", "updated_by", "updated_at", *changes])
    audit.record(
        by=by,
        action="summaries.summary.created" if created else "summaries.summary.changed",
        target=summary,
        changes=changes,
    )
    return summary


@transaction.atomic
def record_generation(
    *, by: Actor, campaign: Campaign, organisation: Organisation, fmt: str, figures: dict[str, Any]
) -> None:
    """Note in the audit log that the summary left the system as a file, with the headline
    figures it stated (the document itself is generated again on every download)."""
    if fmt not in FORMATS:
        raise DomainError(_("Unknown document format."))
    audit.record_download(
        by=by,
        action="summaries.summary.generated",
        fmt=fmt,
        target=campaign,
        org_path=organisation.path,
        filters={"organisation": organisation.pk},
        details={"organisation": organisation.pk, **figures},
    )
