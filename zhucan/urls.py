from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("zhucan.core.urls")),
    path("accounts/", include("zhucan.accounts.urls")),
    path("orgs/", include("zhucan.orgs.urls")),
    path("campaigns/", include("zhucan.campaigns.urls")),
    path("django-admin/", admin.site.urls),
]
