"""The 2026 public holidays and the weekend days worked in their place (调休), from the State
Council's notice on the 2026 holidays (国务院办公厅关于2026年部分节假日安排的通知). Check these
against the notice as published (www.gov.cn) before relying on them; an administrator corrects
or adds days in the Django admin ("Holiday calendar").

2027 is not entered: its notice was not known when this was written. Until an administrator
enters it, 2027 counts Monday to Friday, so its deadlines are a little early, never late.

元旦 1 Jan–3 Jan, worked Sun 4 Jan; 春节 15–23 Feb, worked Sat 14 Feb and Sat 28 Feb; 清明
4–6 Apr; 劳动节 1–5 May, worked Sat 9 May; 端午 19–21 Jun; 中秋 25–27 Sep; 国庆 1–7 Oct,
worked Sun 20 Sep and Sat 10 Oct.
"""

from datetime import date, timedelta
from typing import Any

from django.db import migrations

HOLIDAYS = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKED = [
    ("元旦", date(2026, 1, 4)),
    ("春节", date(2026, 2, 14)),
    ("春节", date(2026, 2, 28)),
    ("劳动节", date(2026, 5, 9)),
    ("国庆节", date(2026, 9, 20)),
    ("国庆节", date(2026, 10, 10)),
]


def _rows() -> list[tuple[date, str, str]]:
    rows = []
    for name, first, last in HOLIDAYS:
        day = first
        while day <= last:
            rows.append((day, "holiday", name))
            day += timedelta(days=1)
    rows += [(day, "working", f"{name}调休上班") for name, day in WORKED]
    return rows


def enter_2026(apps: Any, schema_editor: Any) -> None:
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, name in _rows():
        CalendarDay.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})


def remove_2026(apps: Any, schema_editor: Any) -> None:
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for day, _kind, _name in _rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0007_holiday_calendar")]

    operations = [migrations.RunPython(enter_2026, remove_2026)]
