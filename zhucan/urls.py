from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("zhucan.core.urls")),
    path("accounts/", include("zhucan.accounts.urls")),
    path("orgs/", include("zhucan.orgs.urls")),
    path("campaigns/", include("zhucan.campaigns.urls")),
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
