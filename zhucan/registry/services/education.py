"""One child, one plan (一人一案): open a case for an unenrolled child, agree the plan, enrol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Department, Organisation
from zhucan.registry.models import EducationCase, Person
from zhucan.registry.services.people import require_registry_writer

Status = EducationCase.Status
Placement = EducationCase.Placement
# Compulsory education (义务教育): ages 6 to 15 on 1 September of the school year.
YOUNGEST, OLDEST = 6, 15


def school_age_born(school_year: int) -> tuple[int, int]:
    """(first, last): the birth years of children who may be aged 6–15 on 1 September.

    The register keeps the birth year, not the date (the date would narrow the ID number to a
    few hundred candidates, see ``models.people``), so the years at both ends are included
    whole: a child born in the last year may still be 5, one born in the first may already be
    16. For a list of children who must not be missed that errs the safe way; the clerk who
    opens the case knows the child. A narrower rule would also put the birth date back in the
    clear, one bit at a time, through who is listed and who has a case.
    """
    return school_year - OLDEST - 1, school_year - YOUNGEST


def is_school_age(birth_year: int, school_year: int) -> bool:
    first, last = school_age_born(school_year)
    return first <= birth_year <= last


@dataclass(frozen=True)
class CaseInput:
    status: str
    placement: str = ""
    school: str = ""
    education_office: Organisation | None = None
    federation_office: Organisation | None = None
    enrolled_on: date | None = None
    note: str = ""


@transaction.atomic
def open_case(*, by: Actor, child: Person, school_year: int) -> EducationCase:
    """A case for a registered child of school age, one per school year."""
    require_registry_writer(by, child.organisation)
    # The child's row lock makes a second click wait for the first, then find its case.
    Person.objects.select_for_update().only("pk").get(pk=child.pk)
    if not is_school_age(child.birth_year, school_year):
        raise DomainError(
            _("This child is not of compulsory-school age (6 to 15) in %(year)d.")
            % {"year": school_year}
        )
    if EducationCase.objects.filter(child=child, status=Status.ENROLLED).exists():
        raise DomainError(_("This child is already enrolled."))
    if EducationCase.objects.filter(child=child, school_year=school_year).exists():
        raise DomainError(_("This child already has a case for that school year."))
    case = EducationCase.objects.create(child=child, school_year=school_year, created_by=by)
    audit.record(by=by, action="registry.education.opened", target=case)
    return case


def _check(data: CaseInput) -> None:
    if data.status not in Status.values:
        raise DomainError(_("Choose a status from the list."), field="status")
    if data.placement and data.placement not in Placement.values:
        raise DomainError(_("Choose a plan from the list."), field="placement")
    office = data.education_office
    if office is not None and office.department != Department.EDUCATION:
        raise DomainError(
            _("The responsible education office must be an education bureau."),
            field="education_office",
        )
    federation = data.federation_office
    if federation is not None and not (
        federation.department == Department.FEDERATION
        or federation.kind in (Organisation.Kind.FEDERATION, Organisation.Kind.COMMITTEE)
    ):
        raise DomainError(
            _("The responsible federation office must be a federation or a committee office."),
            field="federation_office",
        )
    if data.status in (Status.PLANNED, Status.ENROLLED):
        if not data.placement:
            raise DomainError(_("Choose the plan for this child."), field="placement")
        if office is None:
            raise DomainError(_("Name the responsible education office."), field="education_office")
        if federation is None:
            raise DomainError(
                _("Name the responsible federation office."), field="federation_office"
            )
    if data.status == Status.ENROLLED:
        if data.placement != Placement.HOME_TEACHING and not data.school.strip():
            raise DomainError(_("Name the school the child is enrolled in."), field="school")
        if data.enrolled_on is None:
            raise DomainError(_("Give the date of enrolment."), field="enrolled_on")
    if data.status == Status.CLOSED and not data.note.strip():
        raise DomainError(_("Say in the note why the case is closed."), field="note")


@transaction.atomic
def update_case(*, by: Actor, case: EducationCase, version: int, data: CaseInput) -> EducationCase:
    """Agree or change the plan, record the enrolment, or close the case.

    An enrolled or closed case is final; a stale form (someone saved first) is refused.
    """
    locked = (
        EducationCase.objects.select_for_update()
        .select_related("child__organisation")
        .get(pk=case.pk)
    )
    require_registry_writer(by, locked.child.organisation)
    if locked.version != version:
        raise DomainError(
            _(
                "Someone else changed this case while you had it open. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    if locked.status in (Status.ENROLLED, Status.CLOSED):
        raise DomainError(_("This case is finished and cannot be changed."))
    visible = Organisation.objects.visible_to(by)
    for field_name in ("education_office", "federation_office"):
        office = getattr(data, field_name)
        if office is not None and not visible.filter(pk=office.pk).exists():
            raise DomainError(_("Choose an office from the list."), field=field_name)
    _check(data)
    values = {
        "status": data.status,
        "placement": data.placement,
        "school": data.school.strip(),
        "education_office": data.education_office,
        "federation_office": data.federation_office,
        "enrolled_on": data.enrolled_on if data.status == Status.ENROLLED else None,
        "note": data.note.strip(),
    }
    changed = audit.diff(locked, values)
    if not changed:
        return locked
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    # Field names only (and the new status): what a case says about a child stays on the case.
    audit.record(
        by=by,
        action="registry.education.updated",
        target=locked,
        changes={"fields": sorted(changed), "status": locked.status},
    )
    return locked
