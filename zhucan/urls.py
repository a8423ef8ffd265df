from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from zhucan.accounts import people_views
from zhucan.activities.views import duty_matrix
from zhucan.campaigns import urls as campaigns_urls
from zhucan.core import urls as core_urls
from zhucan.orgs import audit_views
from zhucan.orgs import urls as orgs_urls
from zhucan.orgs.views import home

# A page that a higher app serves under a lower app's address and namespace is joined here, the
# one module above every app (docs/architecture.md, Layers): the duty matrix reads plans and
# reports, so activities serves it, yet it stays campaigns:matrix at /campaigns/<id>/duties/.
# Likewise the home page and the audit log page read the jurisdiction (orgs) but stay core:home
# and core:audit; the people pages of an organisation create and reset accounts (accounts) but
# stay orgs:people and so on.
core_patterns = home.core_urlpatterns + audit_views.core_urlpatterns + core_urls.urlpatterns
orgs_patterns = orgs_urls.urlpatterns + people_views.orgs_urlpatterns
campaigns_patterns = campaigns_urls.urlpatterns + duty_matrix.campaign_urlpatterns

urlpatterns = [
    path("", include((core_patterns, core_urls.app_name))),
    path("accounts/", include("zhucan.accounts.urls")),
    path("orgs/", include((orgs_patterns, orgs_urls.app_name))),
    path("campaigns/", include((campaigns_patterns, campaigns_urls.app_name))),
    path("plans/", include("zhucan.plans.urls")),
    path("activities/", include("zhucan.activities.urls")),
    path("notifications/", include("zhucan.notifications.urls")),
    path("completeness/", include("zhucan.completeness.urls")),
    path("registry/", include("zhucan.registry.urls")),
    path("stats/", include("zhucan.stats.urls")),
    path("summaries/", include("zhucan.summaries.urls")),
    path("help-requests/", include("zhucan.helprequests.urls")),
    # The public door: no sign-in (zhucan/portal).
    path("p/", include("zhucan.portal.urls")),
    # Django admin's own login would skip the lockout and two-factor checks: send it to ours.
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("django-admin/", admin.site.urls),
]

# A failed request gets a page a person can read, and 503 with Retry-After while the database
# is out of reach (zhucan.core.error_pages.py).
handler500 = "zhucan.core.error_pages.server_error"
