"""Give back their visit to the people a report's correction unlinked.

Until now saving an activity report deleted and recreated its visits, and the assistance rows
of the people a household visit reached lost their visit (``SET_NULL``). Only naming the people
a visit reached fills in an assistance row's report, so a row with a report and no visit is one
of those. When its report has exactly one household visit, that visit is the one it lost (the
visits were recreated from the same form); with several, which one cannot be told apart, and the
row keeps its report and campaign as before.
"""

from django.db import migrations
from django.db.models import Count, Q


def relink(apps, schema_editor):
    Assistance = apps.get_model("registry", "Assistance")
    ActivityReport = apps.get_model("activities", "ActivityReport")
    Visit = apps.get_model("activities", "Visit")
    unlinked = Assistance.objects.filter(visit__isnull=True, report__isnull=False)
    reports = (
        ActivityReport.objects.filter(pk__in=unlinked.values("report_id"))
        .annotate(households=Count("visits", filter=Q(visits__kind="household")))
        .filter(households=1)
        .values_list("pk", flat=True)
    )
    for report_id in reports.iterator():
        visit = Visit.objects.get(report_id=report_id, kind="household")
        unlinked.filter(report_id=report_id).update(visit=visit)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_fill_receipt_first_report_at"),
        ("registry", "0008_assistance_keeps_its_visit_protected"),
    ]

    operations = [migrations.RunPython(relink, migrations.RunPython.noop)]
