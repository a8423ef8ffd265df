from django.urls import path

from zhucan.summaries.views import downloads, pages

app_name = "summaries"

urlpatterns = [
    path("campaigns/<int:campaign_pk>/", pages.summary, name="summary"),
    path("campaigns/<int:campaign_pk>/summary.docx", downloads.summary_docx, name="docx"),
    path("campaigns/<int:campaign_pk>/summary.pdf", downloads.summary_pdf, name="pdf"),
]
