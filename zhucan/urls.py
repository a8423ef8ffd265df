from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from zhucan.activities.views import duty_matrix
from zhucan.campaigns import urls as campaigns_urls

# A page that a higher app serves under a lower app's address and namespace is joined here, the
# one module above every app (docs/architecture.md, Layers): the duty matrix reads plans and
# reports, so activities serves it, yet it stays campaigns:matrix at /campaigns/<id>/duties/.
campaigns_patterns = campaigns_urls.urlpatterns + duty_matrix.campaign_urlpatterns

urlpatterns = [
    path("", include("zhucan.core.urls")),
    path("accounts/", include("zhucan.accounts.urls")),
    path("orgs/", include("zhucan.orgs.urls")),
    path("campaigns/", include((campaigns_patterns, campaigns_urls.app_name))),
    path("plans/", include("zhucan.plans.urls")),
    path("activities/", include("zhucan.activities.urls")),
    path("notifications/", include("zhucan.notifications.urls")),
    path("completeness/", include("zhucan.completeness.urls")),
    path("registry/", include("zhucan.registry.urls")),
    path("stats/", include("zhucan.stats.urls")),
    path("summaries/", include("zhucan.summaries.urls")),
    # Django admin's own login would skip the lockout and two-factor checks: send it to ours.
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("django-admin/", admin.site.urls),
]
