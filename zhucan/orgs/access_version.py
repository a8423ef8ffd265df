"""The per-person version that keys what is cached about their roles (``memberships_of``) and
their verified second factor (accounts' OTP middleware).

Every service that changes what someone may do calls ``access_changed`` inside its
transaction: the version lives on the user row, which every request reads fresh, so a role
taken away stops working on the person's next request in every process, without any process
having to be told.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q


def access_changed(*, users: Q, instance: Any = None) -> None:
    """Raise the version of the people matching ``users`` (a filter on the user model).

    ``instance``, a user object the caller goes on using, gets the new version too and loses
    what it had cached for this request.
    """
    model = get_user_model()
    model.objects.filter(users).update(access_version=F("access_version") + 1)
    if instance is not None and instance.pk is not None:
        instance.access_version = (
            model.objects.filter(pk=instance.pk).values_list("access_version", flat=True).get()
        )
        for name in ("_zhucan_memberships", "_zhucan_jurisdiction_paths"):
            instance.__dict__.pop(name, None)


def access_changed_under(path: str) -> None:
    """Everyone holding a role in the subtree at ``path`` (it moved, or was (de)activated)."""
    access_changed(users=Q(memberships__organisation__path__startswith=path))


def membership_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A role saved or deleted outside the services (the shell, a data fix, a bulk delete) must
    not leave a cached jurisdiction behind for an hour: the services raise the version
    themselves, and this catches every other ``save()`` and ``delete()`` of a membership.
    (A queryset ``update()`` sends no signal: change roles through the services.)"""
    access_changed(users=Q(pk=instance.user_id))
