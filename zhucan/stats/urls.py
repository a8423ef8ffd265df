from zhucan.stats.views import dashboard, export_jobs, exports

app_name = "stats"

# Each views module lists its own patterns, so that the parts of the app stay apart.
urlpatterns = [*dashboard.urlpatterns, *exports.urlpatterns, *export_jobs.urlpatterns]
