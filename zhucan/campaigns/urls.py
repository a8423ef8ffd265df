from django.urls import path

from zhucan.campaigns.views import campaigns, documents, receipts, recipients

app_name = "campaigns"

urlpatterns = [
    path("", campaigns.campaign_list, name="list"),
    path("import/", campaigns.import_notice, name="import"),
    path("import/preview/", campaigns.preview_notice, name="preview"),
    path("<int:campaign_pk>/", campaigns.campaign_detail, name="detail"),
    path("<int:campaign_pk>/edit/", campaigns.edit_notice, name="edit"),
    path("<int:campaign_pk>/publish/", campaigns.publish, name="publish"),
    path("<int:campaign_pk>/recipients/", recipients.recipients, name="recipients"),
    path("<int:campaign_pk>/cascade/", recipients.create_child, name="cascade"),
    path("<int:campaign_pk>/receipts/", receipts.receipts, name="receipts"),
    path("<int:campaign_pk>/remind/", receipts.remind, name="remind"),
    path("receipts/<int:receipt_pk>/sign/", receipts.sign, name="sign"),
    path("<int:campaign_pk>/duties/", documents.matrix, name="matrix"),
    path("<int:campaign_pk>/notice.<str:fmt>", documents.notice_file, name="notice_file"),
    path("<int:campaign_pk>/slogans.txt", documents.slogans_text, name="slogans"),
]
