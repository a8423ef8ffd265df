from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhucan.core.actors import Actor
from zhucan.core.holiday_calendar import delete_calendar_day, save_calendar_day
from zhucan.core.models import CalendarDay


def _staff(request: HttpRequest) -> Actor:
    # The admin lets in only signed-in staff (its login is ours, with two factors).
    return cast("Actor", request.user)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    """The holiday calendar is reference data, like the campaign kinds: an administrator enters
    the State Council's list for the next year here, one day a row. Saves and deletes go
    through ``core.holiday_calendar`` so each is audited and the working days are read again."""

    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    fields = ["day", "kind", "name"]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "day" in form.changed_data:
            delete_calendar_day(by=_staff(request), day=form.initial["day"])
        saved = save_calendar_day(by=_staff(request), day=obj.day, kind=obj.kind, name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        delete_calendar_day(by=_staff(request), day=obj.day)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset.values_list("day", flat=True)):
            delete_calendar_day(by=_staff(request), day=day)
