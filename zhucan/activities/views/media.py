"""Media coverage (宣传报道) and the institution directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.access import get_media_for_user
from zhucan.activities.models import ActivityReport, InstitutionKind, MediaReport
from zhucan.activities.selectors.media import (
    MediaRow,
    activities_to_cover,
    campaigns_to_cover,
    counts_per_level_below,
    covered_activities,
    filtered_media,
    institution_keepers,
    institutions_page_rows,
    media_campaigns,
    media_writers,
    regions_inside,
    screenshot_thumb_size,
)
from zhucan.activities.services.institutions import add_institution
from zhucan.activities.services.media import add_media_report
from zhucan.activities.views.photos import serve_image
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import CreateForm, DateInput, Form, apply_domain_error
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.roles import Capability

PAGE_SIZE = 25


# --- Forms -------------------------------------------------------------------------------------


class MediaFilterForm(Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("All campaigns"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        required=False,
        choices=[("", gettext_lazy("All types")), *MediaReport.Kind.choices],
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class ActivityChoiceField(forms.ModelMultipleChoiceField[ActivityReport]):
    def label_from_instance(self, obj: ActivityReport) -> str:
        return f"{obj.organisation.name} · {obj.title}（{obj.start_date:%Y-%m-%d}）"


class MediaForm(CreateForm):
    campaign = forms.ModelChoiceField(label=gettext_lazy("Campaign"), queryset=Campaign.objects)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects
    )
    outlet = forms.CharField(
        label=gettext_lazy("Outlet"),
        help_text=gettext_lazy("The newspaper, channel, website or account, e.g. 平顶山日报"),
        max_length=100,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=MediaReport.Kind.choices)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    # A plain text field: the service checks the link (only http and https) and says why.
    url = forms.CharField(
        label=gettext_lazy("Link"),
        help_text=gettext_lazy("The web address, starting with https:// (optional)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(),
    )
    activities = ActivityChoiceField(
        label=gettext_lazy("Activities covered"),
        help_text=gettext_lazy("Activity reports of the organisation that the coverage is about"),
        queryset=ActivityReport.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    # A plain file field: the service checks by content that it is an image (and says why not).
    screenshot = forms.FileField(
        label=gettext_lazy("Screenshot"),
        help_text=gettext_lazy(
            "A picture of the coverage (JPEG, PNG or WebP, at most 15 MB), optional. Hidden "
            "details such as where it was taken are removed."
        ),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns_to_cover(organisations)  # type: ignore[attr-defined]
        self.fields["activities"].queryset = activities_to_cover(organisations)  # type: ignore[attr-defined]


class InstitutionFilterForm(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *InstitutionKind.choices],
    )


class InstitutionForm(CreateForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Kept by"), queryset=Organisation.objects
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=InstitutionKind.choices)
    region = forms.ModelChoiceField(label=gettext_lazy("Region"), queryset=Region.objects)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions_inside(list(organisations))  # type: ignore[attr-defined]


# --- Views -------------------------------------------------------------------------------------


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


@login_required
def media_list(request: HttpRequest) -> HttpResponse:
    form = MediaFilterForm(request.GET or None, campaigns=media_campaigns(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    rows = filtered_media(request.user, campaign=data.get("campaign"), kind=data.get("kind") or "")
    counts = counts_per_level_below(request.user, rows)
    page = Paginator(
        rows.select_related("organisation").prefetch_related("activities"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    shown = [MediaRow(media=m, thumb_size=screenshot_thumb_size(m)) for m in page.object_list]
    return render(
        request,
        "activities/media_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": shown,
            "counts": counts,
            "can_add": media_writers(request.user).exists(),
            "searching": bool(data.get("campaign") or data.get("kind")),
            "querystring_base": _querystring(request),
        },
    )


@login_required
def new_media(request: AuthenticatedRequest) -> HttpResponse:
    organisations = media_writers(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = MediaForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_media_report(
                by=request.user,
                campaign=data["campaign"],
                organisation=data["organisation"],
                outlet=data["outlet"],
                kind=data["kind"],
                date=data["date"],
                title=data["title"],
                url=data["url"],
                activities=list(data["activities"]),
                screenshot=data["screenshot"] or None,
                token=data["client_id"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The media report was added."))
            return redirect("activities:media")
    return render(request, "activities/media_form.html", {"form": form})


@login_required
def media_detail(request: HttpRequest, media_pk: int) -> HttpResponse:
    media = get_media_for_user(request.user, media_pk)
    activities = covered_activities(request.user, media)
    return render(
        request,
        "activities/media_detail.html",
        {
            "media": media,
            "activities": activities,
            "thumb_size": screenshot_thumb_size(media, long_side=240),
        },
    )


def _screenshot_file(request: HttpRequest, media_pk: int, *, thumbnail: bool) -> FileResponse:
    # The same answer (404) for coverage out of sight, missing, or without a screenshot.
    media = get_media_for_user(request.user, media_pk)
    file = media.screenshot_thumbnail if thumbnail else media.screenshot
    if not file:
        raise Http404
    return serve_image(file)


@login_required
def media_screenshot(request: HttpRequest, media_pk: int) -> FileResponse:
    return _screenshot_file(request, media_pk, thumbnail=False)


@login_required
def media_screenshot_thumb(request: HttpRequest, media_pk: int) -> FileResponse:
    return _screenshot_file(request, media_pk, thumbnail=True)


@login_required
def institution_list(request: AuthenticatedRequest) -> HttpResponse:
    keepers = institution_keepers(request.user)
    can_add = keepers.exists()
    # Its own ids: the filter form above has a "kind" field too.
    add_form = InstitutionForm(
        request.POST if request.method == "POST" else None, organisations=keepers, auto_id="add_%s"
    )
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if add_form.is_valid():
            data = dict(add_form.cleaned_data)
            token = data.pop("client_id")
            try:
                institution = add_institution(by=request.user, token=token, **data)
            except DomainError as error:
                apply_domain_error(add_form, error)
            else:
                messages.success(
                    request, _("%(name)s was added to the directory.") % {"name": institution.name}
                )
                return redirect("activities:institutions")
    form = InstitutionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = institutions_page_rows(request.user, kind=data.get("kind") or "")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    coordinated = {
        i.pk for i in shown if has_capability(request.user, Capability.COORDINATE, i.organisation)
    }
    return render(
        request,
        "activities/institution_list.html",
        {
            "form": form,
            "add_form": add_form,
            "can_add": can_add,
            "page_obj": page,
            "rows": shown,
            "coordinated": coordinated,
            "searching": bool(data.get("kind")),
            "querystring_base": _querystring(request),
        },
    )
