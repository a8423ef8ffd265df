from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.campaigns import services
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign, NoticeAttachment
from zhucan.core import audit
from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import CreateForm, apply_domain_error
from zhucan.core.uploads import download_content_type
from zhucan.orgs.access import has_capability
from zhucan.orgs.roles import Capability


class AttachmentForm(CreateForm):
    file = forms.FileField(
        label=gettext_lazy("File to attach"),
        help_text=gettext_lazy("Word, Excel, PDF, text or a picture, at most 20 MB."),
    )


def _attachment_for_user(request: HttpRequest, attachment_pk: int) -> NoticeAttachment:
    visible = Campaign.objects.visible_to(request.user)
    return get_object_or_404(
        NoticeAttachment.objects.select_related("notice__campaign__issuing_org").filter(
            notice__campaign__in=visible
        ),
        pk=attachment_pk,
    )


@login_required
def attachments(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    can_coordinate = has_capability(request.user, Capability.COORDINATE, campaign.issuing_org)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_coordinate:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_attachment(
                    by=request.user,
                    campaign=campaign,
                    upload=form.cleaned_data["file"],
                    token=form.cleaned_data["client_id"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The file was attached."))
                return redirect("campaigns:attachments", campaign_pk=campaign.pk)
    return render(
        request,
        "campaigns/attachments.html",
        {
            "campaign": campaign,
            "form": form,
            "can_coordinate": can_coordinate,
            "attachments": campaign.notice.attachments.all(),
        },
    )


@login_required
def download_attachment(request: AuthenticatedRequest, attachment_pk: int) -> FileResponse:
    attachment = _attachment_for_user(request, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record_download(
        by=request.user,
        action="campaigns.attachment.downloaded",
        fmt=attachment.name.rpartition(".")[2].lower()[:10],
        target=attachment,
    )
    # Always a download, never shown in the browser: the type follows the checked extension
    # (not what was stored or what the content looks like), and nosniff stops a browser from
    # guessing HTML in a file that was attached before uploads were checked.
    response = FileResponse(handle, content_type=download_content_type(attachment.name))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def delete_attachment(request: AuthenticatedRequest, attachment_pk: int) -> HttpResponse:
    attachment = _attachment_for_user(request, attachment_pk)
    campaign_pk = attachment.notice.campaign_id
    issuer = attachment.notice.campaign.issuing_org
    if not has_capability(request.user, Capability.COORDINATE, issuer):
        raise PermissionDenied
    try:
        services.remove_attachment(by=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The attachment was removed."))
    return redirect("campaigns:attachments", campaign_pk=campaign_pk)


@require_POST
@login_required
def close(request: AuthenticatedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    if not has_capability(request.user, Capability.COORDINATE, campaign.issuing_org):
        raise PermissionDenied
    try:
        services.close_campaign(by=request.user, campaign=campaign)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign was closed."))
    return redirect("campaigns:detail", campaign_pk=campaign.pk)
