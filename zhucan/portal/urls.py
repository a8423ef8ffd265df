from django.urls import path

from zhucan.portal import help_views, views

app_name = "portal"

urlpatterns = [
    path("<str:code>/", views.site, name="site"),
    path("<str:code>/help/", help_views.help_form, name="help"),
    path("<str:code>/help/done/<str:number>/", help_views.help_done, name="help_done"),
    path("<str:code>/help/status/", help_views.help_status, name="help_status"),
    path("<str:code>/help/reopen/", help_views.help_reopen, name="help_reopen"),
]
