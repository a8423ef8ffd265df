from django.urls import path

from zhucan.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:code>/", views.site, name="site"),
]
