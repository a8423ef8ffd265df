from django.urls import path

from zhucan.completeness import views

app_name = "completeness"

urlpatterns = [
    path("campaigns/<int:campaign_pk>/", views.campaign_completeness, name="campaign"),
    path("campaigns/<int:campaign_pk>/export.xlsx", views.export, name="export"),
    path("campaigns/<int:campaign_pk>/remind/", views.remind, name="remind"),
    path("campaigns/<int:campaign_pk>/reminders/", views.reminders, name="reminders"),
]
