from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.campaigns import services
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.calendar import day_in_year, suggested_deadlines
from zhucan.campaigns.forms import ImportNoticeForm, NoticeEditForm, PublishForm
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.notice_parser import NoticeFileError, is_notice, parse_notice_text
from zhucan.campaigns.notice_upload import read_uploaded_notice
from zhucan.campaigns.selectors import committees_that_can_cascade, receipt_table
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.core.paging import page_of
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Membership
from zhucan.orgs.roles import Capability

LIST_FIELDS = (
    "year",
    "created_at",
    "date",
    "status",
    "issuing_org__name",
    "notice__title",
    "notice__doc_number",
)

NOT_A_NOTICE = gettext_lazy(
    "This does not look like a notice: no title or document number was found. "
    "Check that you chose the right file."
)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    # Only what the table shows: a notice's structured parts (JSON) cost more to read than
    # the rest of the page.
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("issuing_org", "notice")
        .only(*LIST_FIELDS)
    )
    if q:
        campaigns = campaigns.filter(
            Q(notice__title__icontains=q) | Q(notice__doc_number__icontains=q)
        )
    page = page_of(campaigns.order_by("-year", "-created_at"), request.GET.get("page"), per_page=20)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page_obj": page,
            "q": q,
            "querystring_base": f"q={q}&" if q else "",
            "can_import": has_capability(request.user, Capability.COORDINATE),
            # Reversed once, not once a row: reversing is a good part of the page's time.
            "detail_url_prefix": reverse("campaigns:list"),
        },
    )


def _read_form_text(form: ImportNoticeForm) -> str:
    upload = form.cleaned_data.get("file")
    return read_uploaded_notice(upload) if upload else form.cleaned_data["text"]


@login_required
def import_notice(request: AuthenticatedRequest) -> HttpResponse:
    """Write or import a notice. "Preview" shows what was recognised; nothing is saved until
    the person creates the draft, and the draft is checked again before it is published."""
    if not has_capability(request.user, Capability.COORDINATE):
        raise PermissionDenied
    form = ImportNoticeForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            text = _read_form_text(form)
            parsed = parse_notice_text(text)
            if not is_notice(parsed):
                raise NoticeFileError(str(NOT_A_NOTICE))
            if request.POST.get("action") == "preview":
                preview = parsed
            else:
                campaign = services.import_notice(
                    by=request.user,
                    issuing_org=form.cleaned_data["issuing_org"],
                    parsed=parsed,
                    source_text=text,
                    token=form.cleaned_data["client_id"],
                )
                messages.success(
                    request,
                    _(
                        "The notice was imported as a draft. "
                        "Check each field below before publishing."
                    ),
                )
                return redirect("campaigns:detail", campaign_pk=campaign.pk)
        except NoticeFileError as error:
            form.add_error("file" if form.cleaned_data.get("file") else "text", str(error))
        except DomainError as error:
            apply_domain_error(form, error)
    return render(request, "campaigns/import_notice.html", {"form": form, "preview": preview})


@require_POST
@login_required
def preview_notice(request: HttpRequest) -> HttpResponse:
    """The live preview beside the editor: the parsed notice as an HTML fragment."""
    if not has_capability(request.user, Capability.COORDINATE):
        raise PermissionDenied
    text = request.POST.get("text", "")[:200_000]
    parsed = parse_notice_text(text) if text.strip() else None
    return render(request, "campaigns/includes/notice_preview.html", {"preview": parsed})


@login_required
def campaign_detail(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    can_coordinate = has_capability(request.user, Capability.COORDINATE, campaign.issuing_org)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "notice": campaign.notice,
            "can_coordinate": can_coordinate,
            "duties": campaign.duties.all(),
            "slogans": campaign.slogans.all(),
            "contacts": campaign.contacts.all(),
            "deadlines": campaign.deadlines.all(),
            "receipts": receipt_table(campaign) if can_coordinate else None,
            "cascade_orgs": committees_that_can_cascade(request.user, campaign),
            "my_receipts": campaign.receipts.filter(
                organisation__in=Membership.objects.filter(user_id=request.user.pk or 0).values(
                    "organisation"
                )
            ).select_related("organisation"),
        },
    )


@login_required
def edit_notice(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.COORDINATE, campaign.issuing_org):
        raise PermissionDenied
    notice = campaign.notice
    initial = {
        "version": campaign.version,
        "title": notice.title,
        "doc_number": notice.doc_number,
        "recipients": "\n".join(notice.recipients),
        "theme": campaign.theme,
        "date": campaign.date,
        "slogans": "\n".join(s.text for s in campaign.slogans.all()),
        "publicity": campaign.publicity,
        "plans_due": campaign.plans_due,
        "reports_due": campaign.reports_due,
        "summary_due": campaign.summary_due,
        "signature": notice.signature,
        "issue_date": notice.issue_date,
    }
    form = NoticeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_notice(by=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The notice was saved."))
            return redirect("campaigns:detail", campaign_pk=campaign.pk)
    return render(request, "campaigns/edit_notice.html", {"form": form, "campaign": campaign})


def _publish_initial(campaign: Campaign) -> dict[str, object]:
    """The notice's own deadlines where it has them, else the ones its kind of day suggests."""
    day = campaign.date or day_in_year(campaign.kind, campaign.year)
    suggested = suggested_deadlines(day=day, today=timezone.localdate())
    initial: dict[str, object] = {"version": campaign.version}
    for field, value in suggested.items():
        initial[field] = getattr(campaign, field, None) or value
    return initial


@login_required
def publish(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    """Ask for the deadlines, then send: a notice published without them made completeness
    report "no deadline set" and everything "on time"."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.COORDINATE, campaign.issuing_org):
        raise PermissionDenied
    if campaign.status != Campaign.Status.DRAFT:
        # A double click or a resend: it was published once, show it.
        return redirect("campaigns:detail", campaign_pk=campaign.pk)
    form = PublishForm(request.POST or None, initial=_publish_initial(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.publish_with_deadlines(
                by=request.user, campaign=campaign, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The notice was sent to %(n)d organisations.") % {"n": campaign.receipts.count()},
            )
            return redirect("campaigns:detail", campaign_pk=campaign.pk)
    return render(
        request,
        "campaigns/publish.html",
        {"form": form, "campaign": campaign, "notice": campaign.notice},
    )
