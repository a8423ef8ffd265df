"""Writes to accounts: people, their roles' first membership, their display preferences."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhucan.accounts.models import User
from zhucan.core import audit
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation
from zhucan.orgs.services import add_membership


@transaction.atomic
def create_user(
    *,
    by: Any,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation,
    role: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Create a person with their first membership: nobody exists without a jurisdiction."""
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Please enter a user name."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The user name %(name)s is taken.") % {"name": username}, field="username")
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    audit.record(by=by, action="accounts.user.created", target=user,
                 org_path=organisation.path, changes={"username": username, "full_name": full_name})
    add_membership(by=by, user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def set_user_active(*, by: Any, user: User, active: bool) -> User:
    if user.pk == getattr(by, "pk", None) and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(by=by, action="accounts.user.enabled" if active else "accounts.user.disabled",
                     target=user, changes={"is_active": active})
    return user


@transaction.atomic
def set_display_preferences(*, by: User, text_size: str, contrast: str) -> User:
    if text_size not in User.TextSize.values or contrast not in User.Contrast.values:
        raise DomainError(_("Unknown display setting."))
    changes = audit.diff(by, {"text_size": text_size, "contrast": contrast})
    if changes:
        by.save(update_fields=["text_size", "contrast"])
        audit.record(by=by, action="accounts.preferences.changed", target=by, changes=changes)
    return by
