"""The activities' part of the duty matrix: what each organisation carried out for each duty."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from zhucan.activities.models import ActivityReport
from zhucan.campaigns.models import Campaign


def carried_out_by_duty(
    campaign: Campaign, *, user: Any = None
) -> dict[tuple[int, int], list[ActivityReport]]:
    """Accepted reports per (duty id, organisation id). Only accepted reports count, as in the
    statistics. Pass ``user`` to keep to the reports that person may see. One query."""
    through = ActivityReport.duties.through
    links = (
        through.objects.filter(
            activityreport__campaign=campaign,
            activityreport__status=ActivityReport.Status.ACCEPTED,
        )
        .select_related("activityreport")
        .order_by("activityreport__start_date", "activityreport_id")
    )
    if user is not None:
        links = links.filter(activityreport__in=ActivityReport.objects.visible_to(user))
    cells: dict[tuple[int, int], list[ActivityReport]] = defaultdict(list)
    for link in links:
        report = link.activityreport
        cells[(link.duty_id, report.organisation_id)].append(report)
    return dict(cells)
