from django.urls import path

from zhucan.stats.views import dashboard, export_jobs, exports

app_name = "stats"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("campaigns/<int:campaign_pk>/", dashboard.dashboard, name="dashboard"),
    path("campaigns/<int:campaign_pk>/orgs/<int:org_pk>/", dashboard.dashboard, name="node"),
    path(
        "campaigns/<int:campaign_pk>/orgs/<int:org_pk>/reports/", dashboard.reports, name="reports"
    ),
    path(
        "campaigns/<int:campaign_pk>/orgs/<int:org_pk>/export.xlsx", exports.export, name="export"
    ),
    path(
        "campaigns/<int:campaign_pk>/statistical-report.xlsx",
        exports.statistical_report,
        name="statistical_report",
    ),
    path(
        "campaigns/<int:campaign_pk>/orgs/<int:org_pk>/report-export/",
        export_jobs.start_export,
        name="start_export",
    ),
    path("exports/", export_jobs.export_list, name="exports"),
    path("exports/<int:export_pk>/", export_jobs.export_job, name="export_job"),
    path(
        "exports/<int:export_pk>/status.json",
        export_jobs.export_job_status,
        name="export_job_status",
    ),
    path("exports/<int:export_pk>/download/", export_jobs.export_download, name="export_download"),
]
