"""Whose notifications a person sees: their own, and nobody else's (else 404)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from zhucan.notifications.models import Notification, NotificationQuerySet


def notifications_visible_to(user: Any) -> NotificationQuerySet:
    return Notification.objects.visible_to(user)


def get_notification_for_user(user: Any, pk: int) -> Notification:
    return get_object_or_404(notifications_visible_to(user), pk=pk)
