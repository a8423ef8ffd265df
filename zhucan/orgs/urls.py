from django.urls import path

from zhucan.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<int:org_pk>/", views.organisation_detail, name="detail"),
]
