from django.urls import path

from zhucan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/reset/", views.two_factor_reset, name="two_factor_reset"),
    path("display/", views.display_settings, name="display"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("session/status/", views.session_status, name="session_status"),
]
