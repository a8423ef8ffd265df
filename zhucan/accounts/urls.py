from django.urls import path

from zhucan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("display/", views.display_settings, name="display"),
    path("session/extend/", views.session_extend, name="session_extend"),
]
