"""The quick report: one short form a reporter fills in on a phone, often on a poor connection.

It works without JavaScript. static/zhucan/quick-report.js keeps a draft on the phone and sends
the form with fetch (``X-Requested-With: fetch``), retrying until the connection returns; the
form's ``client_id`` makes every resend meet the same report, never a second one.

One photo may come with the report. It is added in the same transaction as the report, so a
photo that is refused leaves no report behind, and a resend of a report already submitted
brings no second photo.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhucan.activities.dates import CONFIRM_FIELD, add_confirm_field_if_sent, offer_confirmation
from zhucan.activities.images import thumbnail_size
from zhucan.activities.models import ActivityReport, Category, Indicator, Mode
from zhucan.activities.selectors.quick import writable_pairs
from zhucan.activities.services import QuickPhoto, ReportInput, send_quick_report
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import DateInput, Form, apply_domain_error
from zhucan.orgs.access import get_organisation_for_user

HOUSEHOLDS = "households_visited"  # the default indicator the form's households field fills
CHOOSE_AGAIN = _("Choose the photo again: it is not kept while the form has a problem.")


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={
            "invalid": _("Enter a whole number, such as 20."),
            "min_value": _("Enter 0 or more."),
        },
    )


class QuickReportForm(Form):
    pair = forms.ChoiceField(
        label=_("Campaign and organisation"),
        error_messages={
            "required": _("Choose the campaign and the organisation you report for."),
            "invalid_choice": _("You cannot report for this campaign and organisation."),
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category")), *Category.choices],
        error_messages={"required": _("Choose a category.")},
    )
    title = forms.CharField(
        label=_("What was the activity?"),
        max_length=200,
        error_messages={"required": _("Give the activity a title.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the activity."),
            "invalid": _("Enter a real date, such as 2020-05-17."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Online or in person"),
        choices=[("", _("Choose online or in person")), *Mode.choices],
        error_messages={"required": _("Choose online or in person.")},
    )
    attendance = _count(_("People who took part"))
    disabled_served = _count(_("Disabled people served"))
    cash = forms.DecimalField(
        label=_("Cash given (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
        error_messages={
            "invalid": _("Enter an amount in yuan, such as 500 or 500.50."),
            "min_value": _("Enter 0 or more."),
            "max_decimal_places": _("Enter at most two decimals (fen)."),
            "max_digits": _("Enter a smaller amount."),
            "max_whole_digits": _("Enter a smaller amount."),
        },
    )
    households = _count(_("Households visited"))
    description = forms.CharField(
        label=_("What happened (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The same fields, texts and consent rule as the photo page (activities/photo_list.html).
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG, PNG or WebP photo, at most 15 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(
        label=_("Caption"),
        help_text=_("What the photo shows. It is read out to people who cannot see it."),
        max_length=200,
        required=False,
    )
    nobody_recognisable = forms.BooleanField(
        label=_("Nobody can be recognised in this photo"), required=False
    )
    consent = forms.BooleanField(
        label=_("The people who can be recognised agreed to be shown"), required=False
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, pairs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["pair"])
        # One choice is chosen for the person; with several they must pick on purpose.
        choices: list[tuple[str, Any]] = [("", _("Choose")), *pairs]
        field.choices = pairs if len(pairs) == 1 else choices
        if len(pairs) == 1:
            field.initial = pairs[0][0]
        add_confirm_field_if_sent(self)

    def report_input(self, households: Indicator | None) -> ReportInput:
        data = self.cleaned_data
        values = {}
        if households is not None and data["households"] is not None:
            values[households.pk] = Decimal(data["households"])
        return ReportInput(
            category=data["category"],
            title=data["title"],
            start_date=data["date"],
            end_date=data["date"],
            mode=data["mode"],
            attendance=data["attendance"],  # empty: unknown, not 0
            disabled_served=data["disabled_served"],
            cash=data["cash"] or Decimal(0),
            description=data["description"],
            values=values,
            dates_confirmed=bool(data.get(CONFIRM_FIELD)),
        )


def _ids(value: str) -> tuple[str, str] | None:
    campaign_id, sep, organisation_id = value.partition(":")
    # Digits that fit a bigint: a longer number would overflow in the query, not be "not found".
    if not sep or not all(p.isdigit() and len(p) < 19 for p in (campaign_id, organisation_id)):
        return None
    return campaign_id, organisation_id


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def quick_report(request: AuthenticatedRequest) -> HttpResponse:
    pairs = writable_pairs(request.user)
    if request.method != "POST":
        # Most reports are written on the day; the date is one field less to fill on a phone.
        initial = {"client_id": uuid.uuid4(), "date": timezone.localdate()}
        form = QuickReportForm(pairs=pairs, initial=initial)
        return _page(request, form, pairs)
    form = QuickReportForm(request.POST, request.FILES, pairs=pairs)
    report = _send(request, form)
    if report is not None:
        done = reverse("activities:quick_done", kwargs={"client_id": report.client_id})
        return JsonResponse({"ok": True, "url": done}) if _wants_json(request) else redirect(done)
    if _wants_json(request):
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    if request.FILES.get("photo") and "photo" not in form.errors:
        # Nothing was saved, and a browser never fills in a file input again: without this the
        # report would be sent without its photo and nobody would notice.
        form.add_error("photo", CHOOSE_AGAIN)
    return _page(request, form, pairs)


def _page(request: HttpRequest, form: QuickReportForm, pairs: list[Any]) -> HttpResponse:
    return render(request, "activities/quick_report.html", {"form": form, "has_pairs": bool(pairs)})


def _send(request: AuthenticatedRequest, form: QuickReportForm) -> ActivityReport | None:
    """Save and submit the report, or put the problems on the form."""
    ids = _ids(request.POST.get("pair", ""))
    # A forged or foreign id is "not found", like one that does not exist; a visible pair the
    # person may not report for is the form's "cannot report" error.
    found = (
        (
            get_campaign_for_user(request.user, int(ids[0])),
            get_organisation_for_user(request.user, ids[1]),
        )
        if ids is not None
        else None
    )
    if not form.is_valid() or found is None:
        return None
    campaign, organisation = found
    data = form.cleaned_data
    households = Indicator.objects.filter(campaign=None, code=HOUSEHOLDS).first()
    photo = None
    if data["photo"] is not None:
        photo = QuickPhoto(
            upload=data["photo"],
            caption=data["caption"],
            consent=data["consent"],
            people_recognisable=not data["nobody_recognisable"],
        )
    try:
        return send_quick_report(
            by=request.user,
            campaign=campaign,
            organisation=organisation,
            data=form.report_input(households),
            client_id=data["client_id"],
            photo=photo,
        )
    except DomainError as error:
        offer_confirmation(form, error)
        apply_domain_error(form, error)
        return None


@login_required
def quick_done(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    # Looked up first, whatever the method: outside the jurisdiction it is 404, never 405.
    report = get_object_or_404(
        ActivityReport.objects.visible_to(request.user).select_related("organisation"),
        client_id=client_id,
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    # The photo, if one came, is shown back: the reporter sees that it arrived.
    photo = report.photos.order_by("pk").first()
    context: dict[str, Any] = {"report": report, "photo": photo}
    if photo is not None:
        context["photo_alt"] = photo.caption or gettext("Photo %(n)d of the activity") % {"n": 1}
        context["photo_size"] = thumbnail_size(photo.width, photo.height, long_side=200)
    return render(request, "activities/quick_done.html", context)
