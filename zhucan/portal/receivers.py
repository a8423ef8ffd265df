"""What makes the stored public pages old: a change to anything they show, heard through the
lower apps' model signals (portal sits above them all). The version moves once the change
commits, so that no request can store the old content under the new version meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from zhucan.activities.models import Institution, Photo, TypicalActivity
from zhucan.activities.signals import accepted_report_returned
from zhucan.campaigns.models import Campaign, Contact, Notice, Slogan
from zhucan.orgs.models import Organisation
from zhucan.plans.models import Plan, PlannedActivity
from zhucan.portal import cache


def _bump_on_commit(**kwargs: Any) -> None:
    transaction.on_commit(cache.bump)


def _plan_changed(instance: Plan, **kwargs: Any) -> None:
    # Drafts change all day; only an approval (or a plan that is approved) reaches the public.
    if instance.status == Plan.Status.APPROVED:
        _bump_on_commit()


def _activity_changed(instance: PlannedActivity, **kwargs: Any) -> None:
    if instance.is_public:
        _bump_on_commit()


def _photo_changed(instance: Photo, **kwargs: Any) -> None:
    # A consent just withdrawn leaves the photo without it: the pages that showed it are old.
    update_fields = kwargs.get("update_fields") or ()
    if instance.public_consent or "public_consent" in update_fields:
        _bump_on_commit()


def _campaign_changed(instance: Campaign, **kwargs: Any) -> None:
    if instance.status != Campaign.Status.DRAFT:
        _bump_on_commit()


def connect() -> None:
    always: tuple[type[Model], ...] = (
        Organisation,
        Institution,
        TypicalActivity,
        Notice,
        Slogan,
        Contact,
    )
    for model in always:
        post_save.connect(_bump_on_commit, sender=model, dispatch_uid=f"portal-{model.__name__}")
        post_delete.connect(
            _bump_on_commit, sender=model, dispatch_uid=f"portal-del-{model.__name__}"
        )
    when: tuple[tuple[type[Model], Callable[..., None]], ...] = (
        (Plan, _plan_changed),
        (PlannedActivity, _activity_changed),
        (Photo, _photo_changed),
        (Campaign, _campaign_changed),
    )
    for sender, receiver in when:
        post_save.connect(receiver, sender=sender, dispatch_uid=f"portal-{sender.__name__}")
        post_delete.connect(receiver, sender=sender, dispatch_uid=f"portal-del-{sender.__name__}")
    accepted_report_returned.connect(_bump_on_commit, dispatch_uid="portal-report-returned")
