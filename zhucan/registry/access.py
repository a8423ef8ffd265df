"""Who sees which registered person, and who may write, reveal or erase. Outside: 404.

Seeing the register needs PERSONAL_DATA over the person's organisation (``visible_to``);
writing needs REPORT there too (``services.people.require_registry_writer``); seeing a clear
value needs REVEAL_PERSONAL_DATA and a reason, each time.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhucan.activities.models import ActivityReport, Visit
from zhucan.orgs.access import capability_roots, has_capability
from zhucan.orgs.models import Organisation, under_paths
from zhucan.orgs.roles import Capability
from zhucan.registry.models import EducationCase, Person
from zhucan.registry.models.people import registry_roots


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def can_see_registry(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or registry_roots(user))


def require_registry_reader(user: Any) -> None:
    """The register's own pages: 403 for a signed-in person without PERSONAL_DATA anywhere."""
    if not can_see_registry(user):
        raise PermissionDenied


def get_person_for_user(user: Any, pk: Any) -> Person:
    """A registered person the user may see; 404 otherwise (never 403, never a hint)."""
    return get_object_or_404(
        Person.objects.visible_to(user).select_related("organisation", "region"), pk=_pk(pk)
    )


def can_write(user: Any, organisation: Organisation) -> bool:
    return has_capability(user, Capability.PERSONAL_DATA, organisation) and has_capability(
        user, Capability.REPORT, organisation
    )


def can_reveal(user: Any, person: Person) -> bool:
    return has_capability(user, Capability.REVEAL_PERSONAL_DATA, person.organisation)


def readable_organisations(user: Any) -> Any:
    """Organisations of residence whose registry the user may see (PERSONAL_DATA)."""
    qs = Organisation.objects.filter(is_active=True).exclude(
        kind__in=[Organisation.Kind.MEMBER_UNIT, Organisation.Kind.INSTITUTION]
    )
    if getattr(user, "is_superuser", False):
        return qs
    condition = under_paths(registry_roots(user), "path")
    return qs.none() if condition is None else qs.filter(condition)


def writable_organisations(user: Any) -> Any:
    """Where the user may register people: organisations of residence (not member units or
    institutions) under a root where they hold both PERSONAL_DATA and REPORT."""
    qs = Organisation.objects.filter(is_active=True).exclude(
        kind__in=[Organisation.Kind.MEMBER_UNIT, Organisation.Kind.INSTITUTION]
    )
    if getattr(user, "is_superuser", False):
        return qs
    report = capability_roots(user, Capability.REPORT)
    roots = []
    for path in registry_roots(user):
        for other in report:
            if path.startswith(other):
                roots.append(path)
            elif other.startswith(path):
                roots.append(other)
    if not roots:
        return qs.none()
    return qs.filter(under_paths(roots, "path"))


def get_case_for_user(user: Any, pk: Any) -> EducationCase:
    return get_object_or_404(
        EducationCase.objects.filter(child__in=Person.objects.visible_to(user)).select_related(
            "child__organisation", "education_office", "federation_office"
        ),
        pk=_pk(pk),
    )


def get_household_visit_for_user(user: Any, pk: Any) -> Visit:
    """A household visit of a report the user can see; 404 otherwise. Whether they may name
    the people visited is ``can_record_visit``'s question (403)."""
    return get_object_or_404(
        Visit.objects.filter(
            kind=Visit.Kind.HOUSEHOLD, report__in=ActivityReport.objects.visible_to(user)
        ).select_related("report__organisation", "report__campaign__notice"),
        pk=_pk(pk),
    )


def can_record_visit(user: Any, visit: Visit) -> bool:
    """Naming the people a visit reached: a writer of the reporting organisation's register."""
    return can_write(user, visit.report.organisation)
