from django.urls import path

from zhucan.campaigns.views import attachments, campaigns, documents, duties, receipts, recipients

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
    path("<int:campaign_pk>/duties/edit/", duties.edit_duties, name="edit_duties"),
    path("<int:campaign_pk>/attachments/", attachments.attachments, name="attachments"),
    path("attachments/<int:attachment_pk>/", attachments.download_attachment, name="attachment"),
    path(
        "attachments/<int:attachment_pk>/delete/",
        attachments.delete_attachment,
        name="delete_attachment",
    ),
    path("<int:campaign_pk>/close/", attachments.close, name="close"),
    path("<int:campaign_pk>/receipts/", receipts.receipts, name="receipts"),
    path("receipts/<int:receipt_pk>/sign/", receipts.sign, name="sign"),
    path("<int:campaign_pk>/notice.<str:fmt>", documents.notice_file, name="notice_file"),
    path("<int:campaign_pk>/slogans.txt", documents.slogans_text, name="slogans"),
]
