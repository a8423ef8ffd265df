"""The reviewer sets which duties of the notice a report served."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.activities.access import can_review
from zhucan.activities.models import ActivityReport
from zhucan.activities.services.common import check_version, lock
from zhucan.campaigns.models import Duty
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError


@transaction.atomic
def set_report_duties(
    *, by: Actor, report: ActivityReport, duties: Sequence[Duty], version: int
) -> ActivityReport:
    """Set the duties a submitted or accepted report served (the reporter may have ticked none,
    and the summary's duty sections are written from them). Only the duties change: an accepted
    report stays accepted, and the duty matrix and the summary read the new duties at once
    (neither keeps a copy). Setting the same duties again changes nothing."""
    locked = lock(report)
    if not can_review(by, locked):
        raise DomainError(
            _("Only a reviewer or coordinator above %(org)s can set the duties of its report.")
            % {"org": locked.organisation.name}
        )
    if locked.status not in (ActivityReport.Status.SUBMITTED, ActivityReport.Status.ACCEPTED):
        raise DomainError(
            _("Duties are set while the report is submitted or accepted; its authors set them now.")
        )
    if any(d.campaign_id != locked.campaign_id for d in duties):
        raise DomainError(_("Choose duties of this notice."), field="duties")
    before = sorted(locked.duties.values_list("number", flat=True))
    after = sorted({d.number for d in duties})
    if before == after:
        return locked
    check_version(locked, version)
    locked.duties.set(duties)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit.record(
        by=by,
        action="activities.report.duties_set",
        target=locked,
        changes={"duties": [before, after]},
    )
    return locked
