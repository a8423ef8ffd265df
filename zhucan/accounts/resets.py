"""What an administrator does for someone locked out of their own account: a new second factor
(a lost phone) and a temporary password (a forgotten one), without the server shell."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucan.accounts.auditing import record_for_person
from zhucan.accounts.enrolment import issue_enrolment_code
from zhucan.accounts.models import User
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.access import may_manage_person
from zhucan.orgs.access_version import access_changed
from zhucan.orgs.forms import generate_initial_password


def _check_may_reset(by: Actor, user: User) -> None:
    # The views answer 404/403 first; this keeps any other caller honest.
    if user.pk == getattr(by, "pk", None):
        raise DomainError(
            _("Use your own account page to change your password or your second factor.")
        )
    if not may_manage_person(by, user):
        raise PermissionDenied


@transaction.atomic
def reset_second_factor(*, by: Actor, user: User) -> str:
    """Remove the person's authenticator apps and backup codes and issue a new enrolment code.

    Returns the code in clear, to be shown once to the administrator, who passes it on.
    A session the person has open loses its verification with the device and is sent to set
    up the new phone, which needs this code.
    """
    _check_may_reset(by, user)
    removed = {
        "authenticator_apps": TOTPDevice.objects.filter(user=user)
        .delete()[1]
        .get(TOTPDevice._meta.label, 0),
        "backup_code_sets": StaticDevice.objects.filter(user=user)
        .delete()[1]
        .get(StaticDevice._meta.label, 0),
    }
    # A session verified with the removed app must not stay verified from the cache.
    access_changed(users=Q(pk=user.pk))
    record_for_person(
        by=by, action="accounts.two_factor.reset_by_administrator", person=user, changes=removed
    )
    return issue_enrolment_code(by=by, user=user)


@transaction.atomic
def reset_password(*, by: Actor, user: User) -> str:
    """Give the person a temporary password that they must change at their next sign-in.

    Returns it in clear, to be shown once. Changing the password ends the person's other
    sessions (Django checks the password hash on every request).
    """
    _check_may_reset(by, user)
    if not user.is_active:
        raise DomainError(_("This account is disabled: enable it before resetting its password."))
    temporary = generate_initial_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record_for_person(
        by=by,
        action="accounts.password.reset_by_administrator",
        person=user,
        changes={"must_change_password": True},
    )
    return temporary
