from django.urls import path

from zhucan.activities.views import (
    excel,
    import_jobs,
    indicators,
    institutions,
    media,
    photos,
    quick,
    reports,
    totals,
    typical,
)

app_name = "activities"

urlpatterns = [
    path("", reports.report_list, name="list"),
    path("campaigns/<int:campaign_pk>/new/", reports.new_report, name="new"),
    path("<int:report_pk>/", reports.report_detail, name="detail"),
    path("<int:report_pk>/edit/", reports.edit_report, name="edit"),
    path("<int:report_pk>/submit/", reports.submit, name="submit"),
    path("<int:report_pk>/review/", reports.review, name="review"),
    path("<int:report_pk>/duties/", reports.set_duties, name="set_duties"),
    path("quick/", quick.quick_report, name="quick"),
    path("quick/done/<uuid:client_id>/", quick.quick_done, name="quick_done"),
    path("<int:report_pk>/photos/", photos.photos, name="photos"),
    path("photos/<int:photo_pk>/", photos.photo, name="photo"),
    path("photos/<int:photo_pk>/thumb/", photos.thumbnail, name="thumbnail"),
    path("photos/<int:photo_pk>/delete/", photos.delete_photo, name="delete_photo"),
    path(
        "photos/<int:photo_pk>/public-consent/",
        photos.public_consent,
        name="photo_public_consent",
    ),
    path("<int:report_pk>/typical/", typical.propose, name="propose_typical"),
    path("typical/", typical.typical_list, name="typical"),
    path("typical/<int:typical_pk>/decide/", typical.decide, name="decide_typical"),
    path("typical/<int:typical_pk>/public/", typical.publish, name="publish_typical"),
    path("media/", media.media_list, name="media"),
    path("media/new/", media.new_media, name="new_media"),
    path("media/<int:media_pk>/", media.media_detail, name="media_detail"),
    path("media/<int:media_pk>/screenshot/", media.media_screenshot, name="media_screenshot"),
    path(
        "media/<int:media_pk>/screenshot/thumb/",
        media.media_screenshot_thumb,
        name="media_screenshot_thumb",
    ),
    path("institutions/", media.institution_list, name="institutions"),
    path(
        "institutions/<int:institution_pk>/public/",
        institutions.public_entry,
        name="institution_public",
    ),
    path("campaigns/<int:campaign_pk>/template.xlsx", excel.import_template, name="template"),
    path("campaigns/<int:campaign_pk>/import/", excel.import_reports_page, name="import"),
    path("export.xlsx", excel.export_reports, name="export"),
    path("campaigns/<int:campaign_pk>/import/progress/", import_jobs.import_job, name="import_job"),
    path(
        "campaigns/<int:campaign_pk>/import/progress.json",
        import_jobs.import_job_status,
        name="import_job_status",
    ),
    path(
        "campaigns/<int:campaign_pk>/import/progress/discard/",
        import_jobs.import_job_discard,
        name="import_job_discard",
    ),
    path("campaigns/<int:campaign_pk>/totals/", totals.totals, name="totals"),
    path("campaigns/<int:campaign_pk>/indicators/", indicators.indicators, name="indicators"),
]
