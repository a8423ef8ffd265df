"""After the load: what the database holds, read directly (Django's ORM on the primary, not
through PgBouncer or the replica)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def saved_reports(tokens: Iterable[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Reports per token, and photos per token, for the tokens the drill sent."""
    from django.db.models import Count

    from zhucan.activities.models import ActivityReport

    wanted = sorted(set(tokens))
    reports: dict[str, int] = {}
    photos: dict[str, int] = {}
    for start in range(0, len(wanted), 1000):
        rows = (
            ActivityReport.objects.filter(client_id__in=wanted[start : start + 1000])
            .values("client_id")
            .annotate(n=Count("id", distinct=True), photos=Count("photos", distinct=True))
        )
        for row in rows:
            token = str(row["client_id"])
            reports[token] = reports.get(token, 0) + row["n"]
            photos[token] = photos.get(token, 0) + row["photos"]
    return reports, photos


def reports_titled(prefix: str) -> dict[str, int]:
    """Reports per title among this run's (each sending has a title of its own)."""
    from django.db.models import Count

    from zhucan.activities.models import ActivityReport

    rows = (
        ActivityReport.objects.filter(title__startswith=prefix)
        .values("title")
        .annotate(n=Count("id"))
    )
    return {row["title"]: row["n"] for row in rows}


def stuck_jobs() -> int:
    """Jobs whose worker stopped renewing their lease and that no sweep took back, and tasks
    still marked running longer than a lease."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from zhucan.core import jobs

    stuck = sum(jobs.stuck_jobs().values())
    long_ago = timezone.now() - timedelta(seconds=2 * settings.JOB_LEASE_SECONDS)
    stuck += DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=long_ago
    ).count()
    return stuck


def registry_import(pk: int) -> dict[str, Any]:
    from zhucan.registry.models import Person
    from zhucan.registry.models.imports import RegistryImport

    job = RegistryImport.objects.defer("data").get(pk=pk)
    return {
        "status": job.status,
        "attempts": job.attempts,
        "rows": job.rows_total,
        "created": job.created,
        "updated": job.updated,
        "skipped": job.skipped,
        "lease_owner": job.lease_owner,
        "people_in_org": Person.objects.filter(organisation_id=job.organisation_id).count(),
    }


def lease_pid(pk: int) -> int | None:
    from zhucan.registry.models.imports import RegistryImport

    owner = RegistryImport.objects.filter(pk=pk).values_list("lease_owner", flat=True).first()
    try:
        return int((owner or "").split(":")[1])
    except (IndexError, ValueError):
        return None


def campaign_date(campaign_pk: int) -> str:
    from django.utils import timezone

    from zhucan.campaigns.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_pk)
    return str(campaign.date or timezone.localdate())


def issue_enrolment_code(username: str) -> str:
    """The server operator's command, as it is run for a first administrator."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("issue_enrolment_code", username, stdout=out)
    return out.getvalue().strip()
