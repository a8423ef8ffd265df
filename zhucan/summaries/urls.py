from zhucan.summaries.views import downloads, pages

app_name = "summaries"

# Each views module lists its own patterns, so that the parts of the app stay apart.
urlpatterns = [
    *pages.urlpatterns,
    *downloads.urlpatterns,
]
