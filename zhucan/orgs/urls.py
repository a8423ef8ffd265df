from django.urls import path

from zhucan.orgs.views import imports, organisations

app_name = "orgs"

# Keyword names org_pk, membership_pk and user_pk are what the permission walk in
# zhucan/core/tests/test_permissions.py knows how to fill in. The people pages are orgs:* too;
# they manage accounts, so accounts serves them and zhucan/urls.py joins them to this namespace.
urlpatterns = [
    path("", organisations.organisation_list, name="list"),
    path("<int:org_pk>/", organisations.organisation_detail, name="detail"),
    path("<int:org_pk>/new/", organisations.organisation_create, name="create"),
    path("<int:org_pk>/edit/", organisations.organisation_edit, name="edit"),
    path("<int:org_pk>/deactivate/", organisations.organisation_deactivate, name="deactivate"),
    path("<int:org_pk>/reactivate/", organisations.organisation_reactivate, name="reactivate"),
    path("<int:org_pk>/import/", imports.organisation_import, name="import"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
]
