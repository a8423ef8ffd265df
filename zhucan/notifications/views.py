from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zhucan.core.actors import AuthenticatedRequest
from zhucan.notifications import services
from zhucan.notifications.access import get_notification_for_user, notifications_visible_to

PER_PAGE = 20


def _internal(request: HttpRequest, url: str) -> bool:
    """A path on this site ("/plans/3/"), never another host ("//evil.example", "https://…")."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the page and filter of the list the button was on."""
    target = request.POST.get("next", "")
    return redirect(target if _internal(request, target) else reverse("notifications:list"))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    show_unread = request.GET.get("show") == "unread"
    notifications = notifications_visible_to(request.user)
    if show_unread:
        notifications = notifications.unread()
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page_obj": page,
            "show_unread": show_unread,
            "querystring_base": (query.urlencode() + "&") if query else "",
        },
    )


@require_POST
@login_required
def open_notification(request: AuthenticatedRequest, notification_pk: int) -> HttpResponse:
    """Mark it read and go where it points, if that is a page of this site."""
    notification = get_notification_for_user(request.user, notification_pk)
    services.mark_read(by=request.user, notification=notification)
    if _internal(request, notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
@login_required
def mark_read(request: AuthenticatedRequest, notification_pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, notification_pk)
    services.mark_read(by=request.user, notification=notification)
    messages.success(request, _("Marked as read: %(title)s") % {"title": notification.title})
    return _back_to_list(request)


@require_POST
@login_required
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(by=request.user)
    messages.success(
        request,
        ngettext("%(n)d notification marked as read.", "%(n)d notifications marked as read.", count)
        % {"n": count},
    )
    return _back_to_list(request)
