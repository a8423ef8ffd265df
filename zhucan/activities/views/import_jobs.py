"""Following an Excel import that runs in the background: its page and the JSON it polls.

The job is named in the query string (``?job=12``) under its campaign's URL, so that the page
is fetched through the campaign (404 outside the jurisdiction) and then through the jobs the
person may see (404 for anyone else's). Without ``?job`` the page shows the person's latest
import for the campaign. The page works without JavaScript (a link reloads it);
``static/zhucan/job-progress.js`` polls the JSON and updates the bar and the live region.
Both recover a job whose worker died (``core.jobs.recover_if_stale``); a failed job can be
discarded from the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhucan.activities.access import get_import_job_for_user
from zhucan.activities.models import ImportJob
from zhucan.activities.services.imports import discard_import_job
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.jobs import recover_if_stale

POLL_SECONDS = 2


def _job(request: HttpRequest, campaign: Campaign) -> ImportJob | None:
    job: ImportJob | None
    if "job" in request.GET:
        job = get_import_job_for_user(request.user, campaign, request.GET["job"])
    else:
        job = (
            ImportJob.objects.visible_to(request.user)
            .filter(campaign=campaign, created_by_id=request.user.pk)
            .first()
        )
    return None if job is None else recover_if_stale(job)


def is_indeterminate(job: ImportJob) -> bool:
    """Nothing to measure yet: waiting, or running before a count arrives (on SQLite, the
    count only arrives at the end)."""
    return job.status == ImportJob.Status.QUEUED or (
        job.status == ImportJob.Status.RUNNING and job.rows_done == 0
    )


def status_text(job: ImportJob) -> str:
    """One sentence for the live region (and the page without JavaScript)."""
    if job.status == ImportJob.Status.QUEUED:
        return ngettext(
            "Waiting for the background worker to import %(n)d row.",
            "Waiting for the background worker to import %(n)d rows.",
            job.rows_total,
        ) % {"n": job.rows_total}
    if job.is_stuck:
        return _(
            "This import has stopped: the background worker was interrupted. Nothing was "
            "saved. Check the file again and import it once more."
        )
    if job.status == ImportJob.Status.RUNNING:
        if not job.rows_done:
            return ngettext("Importing %(n)d row…", "Importing %(n)d rows…", job.rows_total) % {
                "n": job.rows_total
            }
        return _("Importing: %(done)d of %(total)d rows saved (%(percent)d%%).") % {
            "done": job.rows_done,
            "total": job.rows_total,
            "percent": job.percent,
        }
    if job.status == ImportJob.Status.DONE:
        text = ngettext(
            "Done: %(n)d activity report was imported as a draft.",
            "Done: %(n)d activity reports were imported as drafts.",
            job.imported,
        ) % {"n": job.imported}
        if job.skipped:
            text += " " + ngettext(
                "%(n)d row was already imported and was skipped.",
                "%(n)d rows were already imported and were skipped.",
                len(job.skipped),
            ) % {"n": len(job.skipped)}
        return text
    if job.status == ImportJob.Status.DISCARDED:
        return _("This import was discarded. Nothing was saved.")
    return _("The import failed. Nothing was saved.")


@login_required
def import_job(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    job = _job(request, campaign)
    status_url = reverse("activities:import_job_status", kwargs={"campaign_pk": campaign.pk})
    context: dict[str, Any] = {"campaign": campaign, "job": job}
    if job is not None:
        context |= {
            "status_text": status_text(job),
            # Polled (and offered a reload) while it can still move on.
            "following": not (job.is_finished or job.is_stuck),
            "indeterminate": is_indeterminate(job),
            "status_url": f"{status_url}?job={job.pk}",
            "reload_url": f"{request.path}?job={job.pk}",
            "poll_seconds": POLL_SECONDS,
        }
    return render(request, "activities/import_job.html", context)


@login_required
def import_job_status(request: HttpRequest, campaign_pk: int) -> JsonResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    job = _job(request, campaign)
    body: dict[str, Any] = {"job": None}
    if job is not None:
        body = {
            "job": job.pk,
            "status": job.status,
            "finished": job.is_finished or job.is_stuck,
            "percent": None if is_indeterminate(job) else job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "imported": job.imported,
            "text": status_text(job),
        }
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def import_job_discard(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    job = get_import_job_for_user(request.user, campaign, request.POST.get("job", ""))
    try:
        discard_import_job(by=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The import was discarded. You may import the file again."))
    url = reverse("activities:import_job", kwargs={"campaign_pk": campaign.pk})
    return redirect(f"{url}?job={job.pk}")
