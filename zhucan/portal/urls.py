from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path

from zhucan.portal import help_views, views
from zhucan.portal.chrome import TEXT

app_name = "portal"

# Every page twice: as designed, and text-only under text/ (no styles, no pictures).
PAGES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("", views.site, "site"),
    ("whats-on/", views.whats_on, "whats_on"),
    ("whats-on/<int:activity_pk>/", views.activity, "activity"),
    ("stories/", views.stories, "stories"),
    ("stories/<int:typical_pk>/", views.story, "story"),
    ("services/", views.directory, "directory"),
    ("contacts/", views.contacts, "contacts"),
    ("policies/", views.policies, "policies"),
    ("print/", views.printable, "print"),
    # The help pages too, so a visitor of the text-only site stays in it while asking.
    ("help/", help_views.help_form, "help"),
    ("help/done/<str:number>/", help_views.help_done, "help_done"),
    ("help/status/", help_views.help_status, "help_status"),
    ("help/reopen/", help_views.help_reopen, "help_reopen"),
]

urlpatterns = [
    *(path(f"<str:code>/{route}", view, name=name) for route, view, name in PAGES),
    *(
        path(f"<str:code>/text/{route}", view, {"variant": TEXT}, name=f"text_{name}")
        for route, view, name in PAGES
    ),
    path("<str:code>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path(
        "<str:code>/photos/<int:photo_pk>/large/", views.photo, {"large": True}, name="photo_large"
    ),
    path("<str:code>/display/", views.display, name="display"),
]
