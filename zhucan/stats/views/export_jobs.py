"""Exports of every accepted report under a node, run in the background: starting one (from
the dashboard, with its filters), the person's list, a job's page and the JSON it polls, and
the download. Jobs are fetched through ``access.get_export_job_for_user`` (the starter's own).
The page works without JavaScript (a link reloads it); ``static/zhucan/job-progress.js``
polls the JSON and updates the bar and the live region.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhucan.activities.excel import choice_labels
from zhucan.activities.models import Category, Mode
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.jobs import recover_if_stale
from zhucan.stats.access import get_export_job_for_user
from zhucan.stats.exports import filters_from_json
from zhucan.stats.models import ExportJob
from zhucan.stats.selectors import Filters
from zhucan.stats.services.export_jobs import start_export as start_export_job
from zhucan.stats.views.dashboard import filter_form, node_for

POLL_SECONDS = 2


@login_required
def start_export(request: AuthenticatedRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    """GET: what will be exported (the dashboard's filters come in the query string) and a
    button; POST: queue the export and go to it. The dashboard links here rather than holding
    the form itself, so that viewing figures never writes a CSRF token into the session."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node = node_for(request, campaign, org_pk)
    form = filter_form(request, campaign)
    back = reverse("stats:node", args=[campaign.pk, node.pk])
    query = request.GET.urlencode()
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{back}?{query}")
    filters = form.filters()
    if request.method == "POST":
        try:
            job = start_export_job(by=request.user, campaign=campaign, node=node, filters=filters)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        return redirect("stats:export_job", export_pk=job.pk)
    return render(
        request,
        "stats/export_start.html",
        {
            "campaign": campaign,
            "node": node,
            "filters": describe_filters(filters),
            "query": query,
            "back": f"{back}?{query}" if query else back,
        },
    )


def describe_filters(filters: Filters) -> list[tuple[str, str]]:
    """The filters of an export, as (label, value) for its pages."""
    found: list[tuple[str, str]] = []
    if filters.duty is not None:
        found.append((_("Duty"), f"{filters.duty.number}. {filters.duty.text[:60]}"))
    if filters.category:
        found.append((_("Category"), choice_labels(Category).get(filters.category, "")))
    if filters.mode:
        found.append((_("Mode"), choice_labels(Mode).get(filters.mode, "")))
    if filters.date_from:
        found.append((_("Held from"), filters.date_from.isoformat()))
    if filters.date_to:
        found.append((_("Held until"), filters.date_to.isoformat()))
    return found


def is_indeterminate(job: ExportJob) -> bool:
    """Nothing to measure yet: waiting, or running before the count arrives."""
    return job.status == ExportJob.Status.QUEUED or (
        job.status == ExportJob.Status.RUNNING and not job.rows_total
    )


def status_text(job: ExportJob) -> str:
    """One sentence for the live region (and the page without JavaScript)."""
    if job.is_stuck:
        return _("This export has stopped: the background worker was interrupted. Start it again.")
    if job.status == ExportJob.Status.QUEUED:
        return _("Waiting for the background worker to start the export.")
    if job.status == ExportJob.Status.RUNNING:
        if not job.rows_total:
            return _("Counting the reports to export…")
        return _("Exporting: %(done)d of %(total)d reports written (%(percent)d%%).") % {
            "done": job.rows_done,
            "total": job.rows_total,
            "percent": job.percent,
        }
    if job.status == ExportJob.Status.DONE:
        return ngettext(
            "Done: %(n)d report exported. The file is ready to download.",
            "Done: %(n)d reports exported. The file is ready to download.",
            job.rows_done,
        ) % {"n": job.rows_done}
    if job.status == ExportJob.Status.EXPIRED:
        return _("This export's file has been deleted after its time. Start the export again.")
    return _("The export failed.")


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = ExportJob.objects.mine(request.user).select_related("campaign", "node")[:30]
    return render(request, "stats/export_list.html", {"jobs": jobs})


@login_required
def export_job(request: HttpRequest, export_pk: int) -> HttpResponse:
    job = recover_if_stale(get_export_job_for_user(request.user, export_pk))
    context: dict[str, Any] = {
        "job": job,
        "campaign": job.campaign,
        "filters": describe_filters(filters_from_json(job.filters, job.campaign)),
        "status_text": status_text(job),
        # Polled (and offered a reload) while it can still move on.
        "following": not (job.is_finished or job.is_stuck),
        "indeterminate": is_indeterminate(job),
        "status_url": reverse("stats:export_job_status", kwargs={"export_pk": job.pk}),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "stats/export_job.html", context)


@login_required
def export_job_status(request: HttpRequest, export_pk: int) -> JsonResponse:
    job = recover_if_stale(get_export_job_for_user(request.user, export_pk))
    response = JsonResponse(
        {
            "job": job.pk,
            "status": job.status,
            "finished": job.is_finished or job.is_stuck,
            "percent": None if is_indeterminate(job) else job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "text": status_text(job),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_download(request: AuthenticatedRequest, export_pk: int) -> HttpResponse | FileResponse:
    """The file, streamed from the storage in blocks. Before it is ready, or once it has
    expired, the job's page says so."""
    job = get_export_job_for_user(request.user, export_pk)
    if job.status != ExportJob.Status.DONE or not job.file_name:
        return redirect("stats:export_job", export_pk=job.pk)
    try:
        stream = default_storage.open(job.file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    # Starting the export was audited with its filters; each download of the file is too.
    audit.record_download(
        by=request.user,
        action="stats.export.downloaded",
        fmt="xlsx",
        target=job,
        filters={"campaign": job.campaign_id, "node": job.node_id, **job.filters},
        rows=job.rows_done,
    )
    finished = timezone.localtime(job.finished_at or job.created_at)
    name = "".join(c for c in job.node.name if c not in '/\\:*?"<>|')
    response = FileResponse(
        stream, as_attachment=True, filename=f"活动情况-{name}-{finished:%Y%m%d-%H%M}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response
