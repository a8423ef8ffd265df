"""Every write to notifications: sending them (``notify``) and marking them read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.notifications.bell import forget_unread_counts
from zhucan.notifications.models import Notification
from zhucan.notifications.sms import send_sms


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    sms: bool = False,
    extra_emails: Sequence[str] = (),
    sms_numbers: Sequence[str] = (),
) -> int:
    """Give each distinct active person in ``users`` an in-app notification; return how many.

    Must run inside the caller's transaction (fails loudly if not): email (to those people and
    ``extra_emails``) and SMS (to ``sms_numbers``) leave only once it commits, so nothing goes
    out for a change that rolled back. ``url`` is an internal path ("/plans/3/"). No audit entry
    is written here: the caller's service audits what it did (a reminder, an escalation).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must be called inside the service's transaction")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"a notification links to a path of this site, not {url!r}")
    recipients = list({u.pk: u for u in users if u.is_active}.values())
    Notification.objects.bulk_create(
        Notification(user=u, kind=kind, title=title, body=body, url=url) for u in recipients
    )
    forget_unread_counts(u.pk for u in recipients)
    if email:
        addresses = sorted(
            {u.email for u in recipients if u.email} | set(filter(None, extra_emails))
        )
        if addresses:
            transaction.on_commit(lambda: _send_email(addresses, title, body, url), robust=True)
    if sms and sms_numbers:
        numbers = list(sms_numbers)
        transaction.on_commit(lambda: send_sms(numbers, title), robust=True)
    return len(recipients)


def _send_email(addresses: list[str], title: str, body: str, url: str) -> None:
    # One message per address: a reminder to thirty units must not show each their addresses.
    subject = " ".join(title.split())  # a line break in a subject is a header injection
    text = "\n\n".join(part for part in (body, url) if part)
    send_mass_mail([(subject, text, None, [a]) for a in addresses], fail_silently=True)


@transaction.atomic
def mark_read(*, by: Actor, notification: Notification) -> Notification:
    """Mark one of ``by``'s own notifications read; reading it again changes nothing.

    Someone else's notification is not found (``Notification.DoesNotExist``), as in the views.
    """
    locked = Notification.objects.visible_to(by).select_for_update().get(pk=notification.pk)
    if locked.read_at is not None:
        return locked
    locked.read_at = timezone.now()
    locked.save(update_fields=["read_at"])
    forget_unread_counts([by.pk])
    audit.record(by=by, action="notifications.read", target=locked)
    return locked


@transaction.atomic
def mark_all_read(*, by: Actor) -> int:
    """Mark every unread notification of ``by`` read; return how many there were."""
    count = Notification.objects.visible_to(by).unread().update(read_at=timezone.now())
    if count:
        forget_unread_counts([by.pk])
        audit.record(by=by, action="notifications.read_all", changes={"count": count})
    return count
