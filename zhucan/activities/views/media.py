"""Media coverage (宣传报道) and the institution directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.activities.access import get_media_for_user
from zhucan.activities.images import thumbnail_size
from zhucan.activities.models import ActivityReport, Institution, InstitutionKind, MediaReport
from zhucan.activities.services.institutions import add_institution
from zhucan.activities.services.media import add_media_report
from zhucan.activities.views.photos import serve_image
from zhucan.campaigns.models import Campaign
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import CreateForm, DateInput, Form, apply_domain_error
from zhucan.orgs.access import organisations_with_capability
from zhucan.orgs.models import Organisation, Region, jurisdiction_paths, jurisdiction_q
from zhucan.orgs.roles import Capability

PAGE_SIZE = 25


# --- Selectors: every media and institution query starts here --------------------------------


def visible_media(user: Any) -> QuerySet[MediaReport]:
    """Coverage by organisations in the user's jurisdiction."""
    return MediaReport.objects.visible_to(user)


def visible_institutions(user: Any) -> QuerySet[Institution]:
    condition = jurisdiction_q(user, "organisation__path")
    if condition is None:
        return Institution.objects.none()
    return Institution.objects.filter(condition)


def media_writers(user: Any) -> QuerySet[Organisation]:
    """The user's organisations that may report and received a published campaign."""
    return (
        organisations_with_capability(user, Capability.REPORT)
        .filter(is_active=True, receipts__campaign__status=Campaign.Status.PUBLISHED)
        .distinct()
        .order_by("sort_path", "pk")
    )


def institution_keepers(user: Any) -> QuerySet[Organisation]:
    writers = organisations_with_capability(user, Capability.REPORT) | (
        organisations_with_capability(user, Capability.COORDINATE)
    )
    return writers.filter(is_active=True).distinct().order_by("sort_path", "pk")


def _regions_inside(orgs: list[Organisation]) -> QuerySet[Region]:
    condition = Q(pk__in=[])
    for org in orgs:
        code = org.region_id
        # GB/T 2260 nests by prefix: 410000 → 41, 410400 → 4104, 410402 → 410402.
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        condition |= Q(code__startswith=prefix)
    return Region.objects.filter(condition, is_current=True).order_by("code")


@dataclass(frozen=True)
class MediaRow:
    media: MediaReport
    thumb_size: tuple[int, int]


def screenshot_thumb_size(media: MediaReport, long_side: int = 96) -> tuple[int, int]:
    """The size a screenshot's thumbnail is shown at (small in the list, so that the table
    still fits a phone)."""
    return thumbnail_size(media.screenshot_width, media.screenshot_height, long_side=long_side)


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
        self.fields["campaign"].queryset = (  # type: ignore[attr-defined]
            Campaign.objects.filter(
                status=Campaign.Status.PUBLISHED, receipts__organisation__in=organisations
            )
            .select_related("kind", "issuing_org", "notice")
            .distinct()
        )
        self.fields["activities"].queryset = (  # type: ignore[attr-defined]
            ActivityReport.objects.filter(
                organisation__in=organisations, campaign__status=Campaign.Status.PUBLISHED
            )
            .select_related("organisation")
            .order_by("organisation__sort_path", "-start_date")
        )


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
        self.fields["region"].queryset = _regions_inside(list(organisations))  # type: ignore[attr-defined]


# --- Views -------------------------------------------------------------------------------------


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


def _per_level_below(user: Any, counts: Any) -> list[tuple[str, int]]:
    """Counts per organisation rolled up to the level directly below the top of the user's
    jurisdiction: a city sees each county (with its units) and each of its own units; a county
    its units. The top organisation's own reports stay on their own line."""
    roots = sorted(jurisdiction_paths(user), key=len, reverse=True) or ["/"]
    totals: dict[int, int] = {}
    for org_path, n in counts:
        root = next((r for r in roots if org_path.startswith(r)), "/")
        rest = org_path[len(root) :].strip("/")
        key = int(rest.split("/")[0]) if rest else int(root.strip("/").split("/")[-1] or 0)
        totals[key] = totals.get(key, 0) + n
    names = dict(Organisation.objects.filter(pk__in=totals).values_list("pk", "name"))
    return sorted(((names.get(pk, ""), n) for pk, n in totals.items()), key=lambda row: row[0])


@login_required
def media_list(request: HttpRequest) -> HttpResponse:
    base = visible_media(request.user)
    campaigns = Campaign.objects.filter(pk__in=base.values("campaign")).select_related(
        "kind", "issuing_org", "notice"
    )
    form = MediaFilterForm(request.GET or None, campaigns=campaigns)
    data = form.cleaned_data if form.is_valid() else {}
    rows = base
    if data.get("campaign"):
        rows = rows.filter(campaign=data["campaign"])
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    counts = _per_level_below(
        request.user,
        rows.values_list("organisation__path").annotate(n=Count("pk")).order_by(),
    )
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
    activities = list(
        ActivityReport.objects.visible_to(request.user)
        .filter(media_reports=media)
        .select_related("organisation")
    )
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
    rows = visible_institutions(request.user).select_related("region", "organisation")
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    page = Paginator(rows.order_by("region_id", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/institution_list.html",
        {
            "form": form,
            "add_form": add_form,
            "can_add": can_add,
            "page_obj": page,
            "rows": list(page.object_list),
            "searching": bool(data.get("kind")),
            "querystring_base": _querystring(request),
        },
    )


urlpatterns: list[URLPattern] = [
    path("media/", media_list, name="media"),
    path("media/new/", new_media, name="new_media"),
    path("media/<int:media_pk>/", media_detail, name="media_detail"),
    path("media/<int:media_pk>/screenshot/", media_screenshot, name="media_screenshot"),
    path(
        "media/<int:media_pk>/screenshot/thumb/",
        media_screenshot_thumb,
        name="media_screenshot_thumb",
    ),
    path("institutions/", institution_list, name="institutions"),
]
