from zhucan.activities.views import (
    excel,
    import_jobs,
    indicators,
    media,
    photos,
    quick,
    reports,
    totals,
    typical,
)

app_name = "activities"

# Each views module lists its own patterns, so that the parts of the app stay apart.
urlpatterns = [
    *reports.urlpatterns,
    *quick.urlpatterns,
    *photos.urlpatterns,
    *typical.urlpatterns,
    *media.urlpatterns,
    *excel.urlpatterns,
    *import_jobs.urlpatterns,
    *totals.urlpatterns,
    *indicators.urlpatterns,
]
