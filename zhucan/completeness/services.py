"""Every write of the completeness app: the reminder schedule, reminders by hand, and the
periodic sweep. Each in one transaction with its audit entry."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign, Notice
from zhucan.campaigns.selectors import cascade
from zhucan.campaigns.services import set_deadlines
from zhucan.completeness import counts
from zhucan.completeness.deliverables import BY_KIND, Status
from zhucan.completeness.hooks import run_sweep_hooks
from zhucan.completeness.models import ReminderSchedule, ReminderSent, SweepRun
from zhucan.completeness.schedule import DueReminder, escalation_due, reminder_due
from zhucan.completeness.selectors import Row, expected_rows, schedules_for
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.notifications.services import notify
from zhucan.orgs.access import capability_roots, has_capability
from zhucan.orgs.models import Membership
from zhucan.orgs.roles import ROLE_CAPABILITIES, Capability

Stage = ReminderSent.Stage
MISSING = (Status.MISSING, Status.OVERDUE)


@dataclass(frozen=True)
class Pending:
    row: Row
    kind: str
    reminder: DueReminder


def schedule_for(campaign: Campaign) -> ReminderSchedule:
    """The campaign's schedule, or the defaults (unsaved) when nobody has set one."""
    found = ReminderSchedule.objects.filter(campaign=campaign).first()
    return found or ReminderSchedule(campaign=campaign)


@transaction.atomic
def update_schedule(
    *,
    by: Actor,
    campaign: Campaign,
    version: int,
    campaign_version: int,
    plans_due: date | None,
    reports_due: date | None,
    summary_due: date | None,
    receipts_due: date | None,
    days_before: int,
    repeat_every_days: int,
    escalate_after_days: int,
    by_email: bool,
    by_sms: bool,
    active: bool,
) -> ReminderSchedule:
    """Set the campaign's deadlines and when its reminders go out. ``version`` (0 before the
    first save) and ``campaign_version`` detect a change made in another tab meanwhile."""
    if not has_capability(by, Capability.COORDINATE, campaign.issuing_org):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": campaign.issuing_org.name}
        )
    schedule, _created = ReminderSchedule.objects.select_for_update().get_or_create(
        campaign=campaign, defaults={"version": 0}
    )
    if schedule.version != version:
        raise DomainError(
            _(
                "Someone else changed these reminders while you were editing them. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    set_deadlines(
        by=by,
        campaign=campaign,
        version=campaign_version,
        plans_due=plans_due,
        reports_due=reports_due,
        summary_due=summary_due,
    )
    current = Campaign.objects.get(pk=campaign.pk)
    before = counts.dues(current, schedule)
    values = {
        "receipts_due": receipts_due,
        "days_before": days_before,
        "repeat_every_days": repeat_every_days,
        "escalate_after_days": escalate_after_days,
        "by_email": by_email,
        "by_sms": by_sms,
        "active": active,
    }
    changes = audit.diff(schedule, values)
    schedule.version += 1
    schedule.updated_by = by
    schedule.save(update_fields=[*values, "version", "updated_by", "updated_at"])
    counts.move_dues(campaign=current, before=before)
    audit.record(by=by, action="completeness.schedule.changed", target=schedule, changes=changes)
    return schedule


@transaction.atomic
def set_receipts_due(*, by: Actor, campaign: Campaign, receipts_due: date) -> ReminderSchedule:
    """The day the notice is to be signed for by, chosen when it was published."""
    if not has_capability(by, Capability.COORDINATE, campaign.issuing_org):
        raise DomainError(
            _("You are not allowed to do this for %(org)s.") % {"org": campaign.issuing_org.name}
        )
    schedule, _created = ReminderSchedule.objects.select_for_update().get_or_create(
        campaign=campaign, defaults={"version": 0}
    )
    current = Campaign.objects.get(pk=campaign.pk)
    before = counts.dues(current, schedule)
    changes = audit.diff(schedule, {"receipts_due": receipts_due})
    if not changes:
        return schedule
    schedule.version += 1
    schedule.updated_by = by
    schedule.save(update_fields=["receipts_due", "version", "updated_by", "updated_at"])
    counts.move_dues(campaign=current, before=before)
    audit.record(by=by, action="completeness.schedule.changed", target=schedule, changes=changes)
    return schedule


def on_receipts_due_chosen(
    sender: Any, campaign: Campaign, receipts_due: date, by: Actor, **kwargs: Any
) -> None:
    set_receipts_due(by=by, campaign=campaign, receipts_due=receipts_due)


@transaction.atomic
def remind_missing(*, by: Actor, campaign: Campaign, kind: str = "") -> int:
    """Remind, now, every organisation in the coordinator's part of the campaign (cascade
    included) that has not delivered ``kind`` (or any deliverable). One click a minute counts
    once, however many requests it makes. Returns how many reminders went out."""
    roots = capability_roots(by, Capability.COORDINATE)
    if not (by.is_superuser or roots):
        raise DomainError(_("Only coordinators can send reminders."))
    if kind and kind not in BY_KIND:
        raise DomainError(_("Unknown deliverable."), field="kind")
    locked = _lock(campaign)
    if locked.status != Campaign.Status.PUBLISHED:
        raise DomainError(_("Reminders go out only for a published campaign."))
    scope = Q()
    if not by.is_superuser:
        scope = Q(pk__in=[])
        for root in roots:
            scope |= Q(organisation__path__startswith=root)
    today = timezone.localdate()
    key = f"manual:{timezone.now():%Y%m%d%H%M}"
    campaigns = cascade(locked)
    taken = set(
        ReminderSent.objects.filter(campaign__in=campaigns, key=key).values_list(
            "campaign_id", "organisation_id", "kind"
        )
    )
    pending = [
        Pending(row, k, DueReminder(Stage.MANUAL, key, cell.due or today, 0))
        for row in expected_rows(campaigns, scope=scope, today=today)
        for k, cell in row.cells.items()
        if cell.status in MISSING
        and (not kind or k == kind)
        and (row.campaign_id, row.organisation_id, k) not in taken
    ]
    sent = _send(campaigns={c.pk: c for c in campaigns}, pending=pending, by=by)
    audit.record(
        by=by,
        action="completeness.reminders.sent_by_hand",
        target=locked,
        changes={"sent": sent, "kind": kind or "all"},
    )
    return sent


def run_sweep(*, today: date | None = None) -> SweepRun:
    """The periodic work: for every published campaign, the reminders that are due. Each
    campaign in its own transaction, so one failure does not hold back the others' reminders."""
    run = SweepRun.objects.create()
    ids = list(
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED).values_list("pk", flat=True)
    )
    sent = sum(sweep_campaign(campaign_id=pk, today=today) for pk in ids)
    sent += run_sweep_hooks(today or timezone.localdate())
    run.finished_at = timezone.now()
    run.campaigns, run.sent = len(ids), sent
    run.save(update_fields=["finished_at", "campaigns", "sent"])
    return run


@transaction.atomic
def sweep_campaign(*, campaign_id: int, today: date | None = None) -> int:
    """The reminders due today for one campaign's own recipients (a cascaded campaign is swept
    on its own, by its own schedule). Safe to run any number of times."""
    today = today or timezone.localdate()
    campaign = _lock(Campaign(pk=campaign_id))
    if campaign.status != Campaign.Status.PUBLISHED:
        return 0
    schedule = schedule_for(campaign)
    if not schedule.active:
        return 0
    taken = set(
        ReminderSent.objects.filter(campaign=campaign).values_list("organisation_id", "kind", "key")
    )
    pending = []
    for row in expected_rows([campaign], today=today):
        for kind, cell in row.cells.items():
            if cell.done:
                continue
            for due in (
                reminder_due(schedule, cell.due, today),
                escalation_due(schedule, cell.due, today),
            ):
                if due and (row.organisation_id, kind, due.key) not in taken:
                    pending.append(Pending(row, kind, due))
    if not pending:
        return 0
    sent = _send(campaigns={campaign.pk: campaign}, pending=pending, by=None)
    audit.record(
        by=None,
        action="completeness.reminders.sent",
        target=campaign,
        changes={"sent": sent, "stages": dict(Counter(p.reminder.stage for p in pending))},
    )
    return sent


def _lock(campaign: Campaign) -> Campaign:
    # The campaign row serialises reminders: two sweeps, or a sweep and a click, take turns,
    # and the second finds the first one's keys.
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org")
        .get(pk=campaign.pk)
    )


def _people(org_ids: set[int], capability: Capability) -> dict[int, list[Any]]:
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    people: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
        organisation_id__in=org_ids, role__in=roles, user__is_active=True
    ).select_related("user"):
        if m.user not in people[m.organisation_id]:
            people[m.organisation_id].append(m.user)
    return people


def _send(*, campaigns: dict[int, Campaign], pending: list[Pending], by: Actor | None) -> int:
    """Tell each organisation (and, for escalations, the one that asked) and record it."""
    saved = schedules_for(list(campaigns.values()))
    schedules = {pk: saved.get(pk) or ReminderSchedule(campaign=c) for pk, c in campaigns.items()}
    titles = _titles(campaigns)
    direct = [p for p in pending if p.reminder.stage != Stage.ESCALATION]
    escalations = [p for p in pending if p.reminder.stage == Stage.ESCALATION]
    members = _people({p.row.organisation_id for p in direct}, Capability.REPORT)
    issuers = _people({c.issuing_org_id for c in campaigns.values()}, Capability.COORDINATE)
    records = []
    with translation.override(settings.LANGUAGE_CODE):
        for p in direct:
            campaign, schedule = campaigns[p.row.campaign_id], schedules[p.row.campaign_id]
            users = members.get(p.row.organisation_id, [])
            title, body = _direct_message(campaign, titles[campaign.pk], p)
            notified = notify(
                users=users,
                kind="reminder",
                title=title,
                body=body,
                url=_url_for(campaign, p.kind),
                email=schedule.by_email,
                sms=schedule.by_sms,
                sms_numbers=[u.phone for u in users if u.phone],
            )
            records.append(_record(p, by, p.row.organisation_id, notified, schedule))
        for (campaign_id, kind, _key), group in _grouped(escalations).items():
            campaign, schedule = campaigns[campaign_id], schedules[campaign_id]
            title, body = _escalation_message(titles[campaign.pk], kind, group)
            notified = notify(
                users=issuers.get(campaign.issuing_org_id, []),
                kind="escalation",
                title=title,
                body=body,
                url=reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk}),
                email=schedule.by_email,
            )
            records += [_record(p, by, campaign.issuing_org_id, notified, schedule) for p in group]
    ReminderSent.objects.bulk_create(records)
    return len(records)


def _record(
    p: Pending, by: Actor | None, notified_org: int, people: int, schedule: ReminderSchedule
) -> ReminderSent:
    channels = ["in_app"] + (["email"] if schedule.by_email else [])
    if schedule.by_sms and p.reminder.stage != Stage.ESCALATION:
        channels.append("sms")
    return ReminderSent(
        campaign_id=p.row.campaign_id,
        organisation_id=p.row.organisation_id,
        kind=p.kind,
        stage=p.reminder.stage,
        key=p.reminder.key,
        due=p.reminder.due,
        notified_org_id=notified_org,
        notified_people=people,
        channels=channels,
        sent_by=by if getattr(by, "is_authenticated", False) else None,
    )


def _grouped(pending: list[Pending]) -> dict[tuple[int, str, str], list[Pending]]:
    groups: dict[tuple[int, str, str], list[Pending]] = defaultdict(list)
    for p in pending:
        groups[(p.row.campaign_id, p.kind, p.reminder.key)].append(p)
    return groups


def _titles(campaigns: dict[int, Campaign]) -> dict[int, str]:
    """The notices' titles in one query (the campaigns were read without their notices)."""
    found = dict(
        Notice.objects.filter(campaign_id__in=campaigns).values_list("campaign_id", "title")
    )
    return {pk: found.get(pk) or str(c) for pk, c in campaigns.items()}


def _url_for(campaign: Campaign, kind: str) -> str:
    if kind == "receipt":
        return reverse("campaigns:detail", kwargs={"campaign_pk": campaign.pk})
    return reverse(BY_KIND[kind].url_name)


def _direct_message(campaign: Campaign, title: str, p: Pending) -> tuple[str, str]:
    what = BY_KIND[p.kind].label
    values = {
        "what": what,
        "campaign": title,
        "due": p.reminder.due.isoformat(),
        "org": p.row.name,
        "days": p.reminder.days_overdue,
    }
    if p.reminder.stage == Stage.BEFORE:
        title = _("Reminder: %(what)s for %(campaign)s is due on %(due)s") % values
    elif p.reminder.stage == Stage.AFTER:
        title = _("Overdue: %(what)s for %(campaign)s was due on %(due)s") % values
    else:
        title = _("Reminder from %(sender)s: %(what)s for %(campaign)s") % (
            values | {"sender": campaign.issuing_org.short_name or campaign.issuing_org.name}
        )
    body = _("%(org)s has not yet delivered: %(what)s. Please deliver it in Zhucan.") % values
    return title, body


def _escalation_message(title: str, kind: str, group: list[Pending]) -> tuple[str, str]:
    first = group[0].reminder
    values = {
        "what": BY_KIND[kind].label,
        "campaign": title,
        "due": first.due.isoformat(),
        "days": first.days_overdue,
        "n": len(group),
    }
    title = (
        _("%(n)s organisations have not delivered %(what)s for %(campaign)s, due %(due)s") % values
    )
    body = _("%(days)s days after the deadline, still missing: %(orgs)s") % (
        values | {"orgs": "、".join(p.row.name for p in group)}
    )
    return title, body
