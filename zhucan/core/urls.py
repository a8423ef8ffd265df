from django.urls import path

from zhucan.core import views

app_name = "core"

# The home page and the audit log page are core:home and core:audit too; they read the
# jurisdiction, so orgs serves them and zhucan/urls.py joins them to this namespace.
urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
]
