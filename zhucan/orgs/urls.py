from django.urls import path

from zhucan.orgs.views import imports, organisations, people

app_name = "orgs"

# Keyword names org_pk, membership_pk and user_pk are what the permission walk in
# zhucan/core/tests/test_permissions.py knows how to fill in.
urlpatterns = [
    path("", organisations.organisation_list, name="list"),
    path("<int:org_pk>/", organisations.organisation_detail, name="detail"),
    path("<int:org_pk>/new/", organisations.organisation_create, name="create"),
    path("<int:org_pk>/edit/", organisations.organisation_edit, name="edit"),
    path("<int:org_pk>/deactivate/", organisations.organisation_deactivate, name="deactivate"),
    path("<int:org_pk>/reactivate/", organisations.organisation_reactivate, name="reactivate"),
    path("<int:org_pk>/import/", imports.organisation_import, name="import"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("<int:org_pk>/people/", people.people, name="people"),
    path("<int:org_pk>/people/new/", people.person_add, name="person_add"),
    path("<int:org_pk>/people/grant/", people.role_grant, name="role_grant"),
    path("roles/<int:membership_pk>/remove/", people.membership_remove, name="membership_remove"),
    path("people/<int:user_pk>/disable/", people.person_disable, name="person_disable"),
    path("people/<int:user_pk>/enable/", people.person_enable, name="person_enable"),
    path(
        "people/<int:user_pk>/second-factor/",
        people.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path(
        "people/<int:user_pk>/password/", people.person_password_reset, name="person_password_reset"
    ),
]
