"""Who sees which help requests. Every view fetches requests here; outside the jurisdiction
the answer is 404, never a hint that the request exists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from zhucan.helprequests.models import HelpRequest
from zhucan.orgs.access import has_capability, organisations_with_capability
from zhucan.orgs.models import jurisdiction_q
from zhucan.orgs.roles import Capability


def visible_to(user: Any) -> QuerySet[HelpRequest]:
    """The requests of the counties in the user's jurisdiction, and those assigned to an
    office in it (a township office or a department sees what it was given)."""
    condition = jurisdiction_q(user, "org_path", "assigned_to__path")
    if condition is None:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(condition)


def get_request_for_user(user: Any, pk: Any) -> HelpRequest:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = visible_to(user).select_related("organisation", "assigned_to", "person").filter(pk=pk)
    request = found.first()
    if request is None:
        raise Http404
    return request


def can(user: Any, capability: Capability, request: HelpRequest) -> bool:
    return has_capability(user, capability, request.organisation)


def can_answer(user: Any, request: HelpRequest) -> bool:
    if can(user, Capability.COORDINATE, request):
        return True
    assignee = request.assigned_to
    return assignee is not None and has_capability(user, Capability.REPORT, assignee)


def require(user: Any, capability: Capability, request: HelpRequest) -> None:
    """403 for a request the person may see but an action their role does not allow."""
    if not can(user, capability, request):
        raise PermissionDenied


def coordinates_somewhere(user: Any) -> bool:
    return has_capability(user, Capability.COORDINATE)


def coordinated_requests(user: Any) -> QuerySet[HelpRequest]:
    """The requests of the counties where the user is a coordinator (the spam list)."""
    orgs = organisations_with_capability(user, Capability.COORDINATE)
    return HelpRequest.objects.filter(Q(organisation__in=orgs))
