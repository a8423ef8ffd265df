"""The lists of requests the pages inside show."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhucan.helprequests import access
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services.intake import RESPONSIBLE_KINDS
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import ROLE_CAPABILITIES, Capability


def overdue_q(today: Any) -> Q:
    unacknowledged = Q(
        status__in=[HelpRequest.Status.RECEIVED, HelpRequest.Status.REOPENED],
        acknowledge_due__lt=today,
    )
    unanswered = ~Q(status__in=HelpRequest.FINISHED) & Q(answer_due__lt=today)
    return unacknowledged | unanswered


def requests(
    user: Any, *, number: str = "", status: str = "", kind: str = "", overdue: bool = False
) -> QuerySet[HelpRequest]:
    """The requests the user sees, spam left out (it has its own list), newest first."""
    qs = access.visible_to(user).exclude(status=HelpRequest.Status.SPAM)
    if number:
        qs = qs.filter(number=number.strip().upper())
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    return qs.select_related("organisation", "assigned_to").order_by("-received_at", "-id")


def spam(user: Any) -> QuerySet[HelpRequest]:
    return (
        access.coordinated_requests(user)
        .filter(status=HelpRequest.Status.SPAM)
        .select_related("organisation")
        .order_by("-received_at", "-id")
    )


def transfer_choices(request: HelpRequest) -> QuerySet[Organisation]:
    """The other counties' committees and federations a request can be sent to."""
    return (
        Organisation.objects.filter(
            kind__in=RESPONSIBLE_KINDS, is_active=True, region__level=Region.Level.COUNTY
        )
        .exclude(pk=request.organisation_id)
        .in_order()
    )


def deadline_organisations(user: Any) -> QuerySet[Organisation]:
    """The committees and federations whose deadlines the user may set (their own offices)."""
    return (
        Organisation.objects.filter(
            memberships__user=user,
            memberships__role__in=[
                str(role)
                for role, caps in ROLE_CAPABILITIES.items()
                if Capability.COORDINATE in caps
            ],
            kind__in=RESPONSIBLE_KINDS,
            is_active=True,
        )
        .distinct()
        .in_order()
    )
