from django.urls import path

from zhucan.plans.views import documents, editing, overview, plans, review

app_name = "plans"

urlpatterns = [
    path("", plans.plan_list, name="list"),
    path("campaigns/<int:campaign_pk>/", overview.overview, name="overview"),
    path("campaigns/<int:campaign_pk>/start/", plans.start_plan, name="start"),
    path("campaigns/<int:campaign_pk>/rules/", overview.rules, name="rules"),
    path("<int:plan_pk>/", plans.plan_detail, name="detail"),
    path("<int:plan_pk>/edit/", editing.edit_plan, name="edit"),
    path("<int:plan_pk>/submit/", plans.submit, name="submit"),
    path("<int:plan_pk>/review/", review.review, name="review"),
    path("<int:plan_pk>/plan.docx", documents.plan_docx, name="docx"),
    path("<int:plan_pk>/document/", documents.uploaded_document, name="document"),
]
