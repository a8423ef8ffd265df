"""Photos of an activity report: the page that lists and takes them, and serving the files.

Files are served only through these views, after the report is fetched for the person asking:
outside their jurisdiction the answer is 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.activities.access import can_write, get_report_for_user
from zhucan.activities.images import thumbnail_size
from zhucan.activities.models import Photo
from zhucan.activities.services import add_photo, record_photo_public_consent, remove_photo
from zhucan.activities.services.photos import MAX_PHOTOS
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import CreateForm, Form, apply_domain_error
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


class PhotoForm(CreateForm):
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        help_text=gettext_lazy("A JPEG, PNG or WebP photo, at most 15 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(
        label=gettext_lazy("Caption"),
        help_text=gettext_lazy("What the photo shows. It is read out to people who cannot see it."),
        max_length=200,
        required=False,
    )
    nobody_recognisable = forms.BooleanField(
        label=gettext_lazy("Nobody can be recognised in this photo"), required=False
    )
    consent = forms.BooleanField(
        label=gettext_lazy("The people who can be recognised agreed to be shown"),
        required=False,
    )
    public_consent = forms.BooleanField(
        label=gettext_lazy("They also agreed to the photo being published on the public site"),
        help_text=gettext_lazy("Leave this empty unless they said yes to the public website."),
        required=False,
    )


class PublicConsentForm(Form):
    # The state asked for, fixed when the page was drawn: a form sent twice records it once
    # instead of giving and then withdrawing.
    consent = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=gettext_lazy("How and when they agreed"),
        help_text=gettext_lazy("For example: written consent from the family, 2026-05-20."),
        max_length=200,
        required=False,
    )


@dataclass(frozen=True)
class PhotoCard:
    photo: Photo
    alt: str
    thumb_size: tuple[int, int]


def _photo_for_user(request: HttpRequest, photo_pk: int) -> Photo:
    photo = get_object_or_404(Photo, pk=photo_pk)
    # The same answer (404) for a photo that does not exist and one of a report out of sight.
    photo.report = get_report_for_user(request.user, photo.report_id)
    return photo


def serve_image(file: FieldFile) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    # Photos of people: never kept by a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def photos(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_pk)
    may_add = can_write(request.user, report)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                add_photo(
                    by=request.user,
                    report=report,
                    upload=data["photo"],
                    caption=data["caption"],
                    consent=data["consent"],
                    people_recognisable=not data["nobody_recognisable"],
                    public_consent=data["public_consent"],
                    token=data["client_id"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The photo was added."))
                return redirect("activities:photos", report_pk=report.pk)
    shown = [
        PhotoCard(
            photo=p,
            alt=p.caption or _("Photo %(n)d of the activity") % {"n": number},
            # Shown smaller than the file, so that it fits a 320 px wide phone screen.
            thumb_size=thumbnail_size(p.width, p.height, long_side=200),
        )
        for number, p in enumerate(report.photos.all(), start=1)
    ]
    try:
        report_url = reverse("activities:detail", kwargs={"report_pk": report.pk})
    except NoReverseMatch:
        report_url = ""
    return render(
        request,
        "activities/photo_list.html",
        {
            "report": report,
            "photos": shown,
            "form": form,
            "may_add": may_add and len(shown) < MAX_PHOTOS,
            "may_remove": may_add,
            # Consent concerns the people shown, not the report: recorded whatever its status.
            "may_record_consent": has_capability(
                request.user, Capability.REPORT, report.organisation
            ),
            "max_photos": MAX_PHOTOS,
            "report_url": report_url,
        },
    )


@login_required
def photo(request: HttpRequest, photo_pk: int) -> FileResponse:
    return serve_image(_photo_for_user(request, photo_pk).image)


@login_required
def thumbnail(request: HttpRequest, photo_pk: int) -> FileResponse:
    return serve_image(_photo_for_user(request, photo_pk).thumbnail)


@require_POST
@login_required
def delete_photo(request: AuthenticatedRequest, photo_pk: int) -> HttpResponse:
    found = _photo_for_user(request, photo_pk)
    # A role that may not write reports is refused outright (403), not sent back with a message.
    if not has_capability(request.user, Capability.REPORT, found.report.organisation):
        raise PermissionDenied
    try:
        remove_photo(by=request.user, photo=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("activities:photos", report_pk=found.report_id)


@login_required
def public_consent(request: AuthenticatedRequest, photo_pk: int) -> HttpResponse:
    """Record, for a photo already uploaded, that the people shown agreed to its publication
    (or withdrew that agreement), with how it was obtained."""
    found = _photo_for_user(request, photo_pk)
    if not has_capability(request.user, Capability.REPORT, found.report.organisation):
        raise PermissionDenied
    giving = not found.public_consent
    form = PublicConsentForm(request.POST or None, initial={"consent": "yes" if giving else "no"})
    if request.method == "POST" and form.is_valid():
        giving = form.cleaned_data["consent"]
        try:
            record_photo_public_consent(
                photo=found, by=request.user, consent=giving, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if giving:
                messages.success(request, _("Consent to publication was recorded."))
            else:
                messages.success(request, _("Consent to publication was withdrawn."))
            return redirect("activities:photos", report_pk=found.report_id)
    number = list(found.report.photos.values_list("pk", flat=True)).index(found.pk) + 1
    return render(
        request,
        "activities/photo_public_consent.html",
        {
            "report": found.report,
            "card": PhotoCard(
                photo=found,
                alt=found.caption or _("Photo %(n)d of the activity") % {"n": number},
                thumb_size=thumbnail_size(found.width, found.height, long_side=200),
            ),
            "form": form,
            "giving": giving,
        },
    )
