"""People of one organisation: who has which role, adding people, roles, disabling accounts.

Pages of an organisation, but they create and reset accounts, which orgs may not import; they
keep their addresses and names (``orgs:people`` …, joined in ``zhucan/urls.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhucan.accounts.enrolment import readable as readable_enrolment_code
from zhucan.accounts.resets import reset_password, reset_second_factor
from zhucan.accounts.services import add_person, set_user_active
from zhucan.accounts.twofactor import has_confirmed_totp
from zhucan.core.actors import Actor, AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.orgs.access import (
    find_person_to_manage,
    get_membership_for_user,
    get_organisation_for_user,
    get_person_for_user,
    has_capability,
    may_manage_person,
    visible_organisations,
)
from zhucan.orgs.forms import GrantRoleForm, PersonForm
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.roles import Capability
from zhucan.orgs.services import grant_role, remove_membership

if TYPE_CHECKING:
    from zhucan.accounts.models import User


def _require_people_manager(user: Any, org: Organisation) -> None:
    if not has_capability(user, Capability.MANAGE_PEOPLE, org):
        raise PermissionDenied


@login_required
def people(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    can_manage = has_capability(request.user, Capability.MANAGE_PEOPLE, org)
    memberships = list(
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.select_related("organisation"),
                to_attr="all_memberships",
            )
        )
        .order_by("user__full_name", "user__username", "role")
    )
    rows = [
        {
            "membership": m,
            "person": m.user,
            "can_change_account": can_manage
            and m.user_id != request.user.pk
            and may_manage_person(request.user, m.user, m.user.all_memberships),  # type: ignore[attr-defined]
            "only_role": len(m.user.all_memberships) == 1,  # type: ignore[attr-defined]
        }
        for m in memberships
    ]
    return render(request, "orgs/people.html", {"org": org, "rows": rows, "can_manage": can_manage})


@never_cache  # the page after adding may show a new password: never keep it in a cache
@login_required
def person_add(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    _require_people_manager(request.user, org)
    form = PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = add_person(
                by=request.user,
                organisation=org,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                role=data["role"],
                email=data["email"],
                phone=data["phone"],
                token=data["client_id"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            # A resend of the form answers with the account the first made: the password this
            # request generated is not theirs, so it is shown only when it is (checked, once).
            if form.password_generated and person.check_password(data["password"]):
                # Shown once, in this response only: it is stored nowhere but as a hash.
                return render(
                    request,
                    "orgs/person_created.html",
                    {"org": org, "person": person, "password": data["password"]},
                )
            messages.success(request, _("%(name)s was added.") % {"name": person.get_full_name()})
            return redirect("orgs:people", org_pk=org.pk)
    return render(request, "orgs/person_form.html", {"org": org, "form": form})


@login_required
def role_grant(request: AuthenticatedRequest, org_pk: int) -> HttpResponse:
    org = get_organisation_for_user(request.user, org_pk)
    _require_people_manager(request.user, org)
    form = GrantRoleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        person = find_person_to_manage(request.user, username)
        if person is None:
            form.add_error(
                "username",
                _("No one with the user name %(name)s was found in your jurisdiction.")
                % {"name": username},
            )
        else:
            try:
                grant_role(
                    by=request.user, user=person, organisation=org, role=form.cleaned_data["role"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s now has a role in %(org)s.")
                    % {"name": person.get_full_name(), "org": org.name},
                )
                return redirect("orgs:people", org_pk=org.pk)
    return render(request, "orgs/role_grant.html", {"org": org, "form": form})


@login_required
def membership_remove(request: AuthenticatedRequest, membership_pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, membership_pk)
    org = membership.organisation
    _require_people_manager(request.user, org)
    error = ""
    if request.method == "POST":
        try:
            remove_membership(by=request.user, membership=membership)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("%(name)s no longer has the role %(role)s here.")
                % {"name": membership.user.get_full_name(), "role": membership.get_role_display()},
            )
            return redirect("orgs:people", org_pk=org.pk)
    only_role = (
        not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists()
    )
    return render(
        request,
        "orgs/membership_remove.html",
        {
            "membership": membership,
            "org": org,
            "person": membership.user,
            "only_role": only_role,
            "is_self": membership.user_id == request.user.pk,
            "error": error,
        },
    )


def _return_org(request: HttpRequest, person: Any) -> Organisation | None:
    """Where to go back to: the organisation the person came from, if the viewer sees it."""
    raw = request.POST.get("from") or request.GET.get("from") or ""
    visible = visible_organisations(request.user)
    if raw.isdigit():
        found = visible.filter(pk=int(raw)).first()
        if found is not None:
            return found
    return visible.filter(memberships__user=person).order_by("path").first()


def _set_account_active(
    request: AuthenticatedRequest, user_pk: int, *, active: bool
) -> HttpResponse:
    person = get_person_for_user(request.user, user_pk)
    memberships = list(
        Membership.objects.filter(user=person)
        .select_related("organisation")
        .order_by("organisation__sort_path")
    )
    if not may_manage_person(request.user, person, memberships):
        raise PermissionDenied
    back = _return_org(request, person)
    error = ""
    if request.method == "POST":
        try:
            set_user_active(by=request.user, user=person, active=active)
        except DomainError as exc:
            error = exc.message
        else:
            message = (
                _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
            )
            messages.success(request, message % {"name": person.get_full_name()})
            if back is not None:
                return redirect("orgs:people", org_pk=back.pk)
            return redirect("orgs:list")
    return render(
        request,
        "orgs/person_activation.html",
        {
            "person": person,
            "memberships": memberships,
            "activate": active,
            "back": back,
            "is_self": person.pk == request.user.pk,
            "error": error,
        },
    )


@login_required
def person_disable(request: AuthenticatedRequest, user_pk: int) -> HttpResponse:
    return _set_account_active(request, user_pk, active=False)


@login_required
def person_enable(request: AuthenticatedRequest, user_pk: int) -> HttpResponse:
    return _set_account_active(request, user_pk, active=True)


def _person_to_reset(request: HttpRequest, user_pk: int) -> tuple[Any, list[Membership]]:
    """The person, if seen (else 404), and their roles; 403 unless the viewer manages people
    wherever the person has a role."""
    person = get_person_for_user(request.user, user_pk)
    memberships = list(
        Membership.objects.filter(user=person)
        .select_related("organisation")
        .order_by("organisation__sort_path")
    )
    if not may_manage_person(request.user, person, memberships):
        raise PermissionDenied
    return person, memberships


def _reset_page(
    request: AuthenticatedRequest,
    user_pk: int,
    *,
    reset: Callable[[Actor, User], str],
    page: str,
    page_context: Callable[[User], dict[str, Any]],
    secret: Callable[[str], dict[str, Any]],
) -> HttpResponse:
    """An administrator's reset of someone's account: the page that asks, then, once done, the
    page that shows the new secret once (never cached). ``reset(by, user)`` is the service."""
    person, memberships = _person_to_reset(request, user_pk)
    back = _return_org(request, person)
    error = ""
    if request.method == "POST":
        try:
            value = reset(request.user, person)
        except DomainError as exc:
            error = exc.message
        else:
            context = {"person": person, "back": back, **secret(value)}
            return render(request, "orgs/person_secret.html", context)
    context = {
        "person": person,
        "memberships": memberships,
        "back": back,
        "is_self": person.pk == request.user.pk,
        "error": error,
        **page_context(person),
    }
    return render(request, page, context)


@never_cache  # the answer shows a one-time code: never keep it in a cache
@login_required
def person_second_factor_reset(request: AuthenticatedRequest, user_pk: int) -> HttpResponse:
    """Remove someone's authenticator app (a lost phone) and issue an enrolment code."""
    return _reset_page(
        request,
        user_pk,
        reset=lambda by, user: reset_second_factor(by=by, user=user),
        page="orgs/person_second_factor_reset.html",
        page_context=lambda person: {"has_app": has_confirmed_totp(person)},
        secret=lambda code: {
            "title": _("New enrolment code"),
            "label": _("Enrolment code"),
            "secret": readable_enrolment_code(code),
            "explanation": _(
                "Give this code to the person in a safe way, for example in person or "
                "by phone. They enter it after signing in, then set up the "
                "authenticator app on their phone. The code works once, for "
                "%(hours)s hours, and is shown only this once."
            )
            % {"hours": settings.ENROLMENT_CODE_HOURS},
        },
    )


@never_cache  # the answer shows a temporary password: never keep it in a cache
@login_required
def person_password_reset(request: AuthenticatedRequest, user_pk: int) -> HttpResponse:
    """Give someone a temporary password that they must change when they next sign in."""
    return _reset_page(
        request,
        user_pk,
        reset=lambda by, user: reset_password(by=by, user=user),
        page="orgs/person_password_reset.html",
        page_context=lambda person: {},
        secret=lambda password: {
            "title": _("Temporary password"),
            "label": _("Temporary password"),
            "secret": password,
            "explanation": _(
                "Give this password to the person in a safe way. They must choose "
                "their own password when they next sign in; the temporary one is shown "
                "only this once. Any session they had open has ended."
            ),
        },
    )


# Patterns of the orgs namespace (the project's urls.py adds them to it).
orgs_urlpatterns: list[URLPattern] = [
    path("<int:org_pk>/people/", people, name="people"),
    path("<int:org_pk>/people/new/", person_add, name="person_add"),
    path("<int:org_pk>/people/grant/", role_grant, name="role_grant"),
    path("roles/<int:membership_pk>/remove/", membership_remove, name="membership_remove"),
    path("people/<int:user_pk>/disable/", person_disable, name="person_disable"),
    path("people/<int:user_pk>/enable/", person_enable, name="person_enable"),
    path(
        "people/<int:user_pk>/second-factor/",
        person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path("people/<int:user_pk>/password/", person_password_reset, name="person_password_reset"),
]
