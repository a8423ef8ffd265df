"""Who may open an export job: only the person who started it.

Someone else's export of a node outside the person's jurisdiction is 404, as everywhere. One
of a node inside it is 403: the figures are the person's to see (on the dashboard, or in an
export of their own), but the job and its file belong to whoever started it, as a
notification does. The starter loses it too (404) once the node leaves their jurisdiction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhucan.orgs.models import Organisation
from zhucan.stats.models import ExportJob


def get_export_job_for_user(user: Any, pk: Any) -> ExportJob:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    job = ExportJob.objects.select_related("campaign", "node").filter(pk=pk).first()
    if job is None or not Organisation.objects.visible_to(user).filter(pk=job.node_id).exists():
        raise Http404
    if job.created_by_id != user.pk:
        raise PermissionDenied
    return job
