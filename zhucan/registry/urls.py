from django.urls import path

from zhucan.registry.views import (
    assistance,
    coverage,
    education,
    imports,
    people,
    roster,
    townships,
)

app_name = "registry"

urlpatterns = [
    path("people/", people.person_list, name="list"),
    path("people/find/", people.find, name="find"),
    path("people/new/", people.person_new, name="new"),
    path("people/<int:person_pk>/", people.person_detail, name="detail"),
    path("people/<int:person_pk>/edit/", people.person_edit, name="edit"),
    path("people/<int:person_pk>/reveal/", people.reveal, name="reveal"),
    path("people/<int:person_pk>/erase/", people.erase, name="erase"),
    path(
        "people/<int:person_pk>/assistance/new/", assistance.assistance_new, name="assistance_new"
    ),
    path("visits/<int:visit_pk>/people/", assistance.visit_people, name="visit_people"),
    path("coverage/", coverage.coverage_index, name="coverage_index"),
    path("coverage/<int:campaign_pk>/", coverage.coverage_page, name="coverage"),
    path("coverage/<int:campaign_pk>/export/", coverage.coverage_export, name="coverage_export"),
    path("education/", education.case_list, name="cases"),
    path("education/children/", education.children, name="children"),
    path("education/<int:case_pk>/", education.case_detail, name="case"),
    path("people/<int:person_pk>/education/open/", education.case_open, name="case_open"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/template.xlsx", imports.import_template, name="import_template"),
    path("imports/log/", imports.import_log, name="import_log"),
    path("imports/<int:import_pk>/", imports.import_detail, name="import"),
    path("imports/<int:import_pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:import_pk>/discard/", imports.import_discard, name="import_discard"),
    path("imports/<int:import_pk>/progress/", imports.import_progress, name="import_progress"),
    path("townships/", townships.township_list, name="townships"),
    path("townships/<int:township_pk>/", townships.township_edit, name="township_edit"),
    path("townships/<int:township_pk>/remove/", townships.township_remove, name="township_remove"),
    path("roster/", roster.roster, name="roster"),
    path("roster/export/", roster.roster_export, name="roster_export"),
]
