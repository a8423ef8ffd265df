"""The township list of a registry organisation: see, add, rename (or merge), remove, load
from Excel. For those who keep the registry there (403 otherwise); a township outside the
jurisdiction is 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhucan.core.actors import AuthenticatedRequest
from zhucan.core.errors import DomainError
from zhucan.core.forms import Form, apply_domain_error
from zhucan.orgs.models import Organisation
from zhucan.registry import access
from zhucan.registry.models import Person, Township
from zhucan.registry.services import townships as services
from zhucan.registry.services.people import require_registry_writer

MAX_LIST_BYTES = 2 * 1024 * 1024


class TownshipForm(Form):
    name = forms.CharField(label=gettext_lazy("Name of the township or street"), max_length=60)


class TownshipFileForm(Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx) with one township per row"),
        help_text=gettext_lazy(
            "The names under a header such as 乡镇（街道）, or in the first column. Names "
            "already listed are left as they are."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_LIST_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


def _list_url(organisation: Organisation) -> str:
    return f"{reverse('registry:townships')}?org={organisation.pk}"


@login_required
def township_list(request: AuthenticatedRequest) -> HttpResponse:
    """The list, for those who keep the registry (who may change it) and those who may only
    see it, such as auditors."""
    writable = access.writable_organisations(request.user)
    organisations = access.readable_organisations(request.user).order_by("path")
    chosen = request.POST.get("org") or request.GET.get("org")
    organisation = (
        organisations.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    ) or (writable.order_by("path").first() or organisations.first())
    if organisation is None:
        raise PermissionDenied
    can_edit = writable.filter(pk=organisation.pk).exists()
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    add_form = TownshipForm(prefix="add")
    file_form = TownshipFileForm(prefix="load")
    if request.method == "POST":
        if "load-file" in request.FILES:
            file_form = TownshipFileForm(request.POST, request.FILES, prefix="load")
            if file_form.is_valid():
                try:
                    result = services.import_townships(
                        by=request.user,
                        organisation=organisation,
                        data=bytes(file_form.cleaned_data["file"].read()),
                    )
                except DomainError as error:
                    apply_domain_error(file_form, error)
                else:
                    messages.success(
                        request,
                        _("%(added)d townships added; %(known)d were already listed.")
                        % {"added": len(result.added), "known": len(result.known)},
                    )
                    return redirect(_list_url(organisation))
        else:
            add_form = TownshipForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    services.add_township(
                        by=request.user,
                        organisation=organisation,
                        name=add_form.cleaned_data["name"],
                    )
                except DomainError as error:
                    apply_domain_error(add_form, error)
                else:
                    messages.success(request, _("The township was added."))
                    return redirect(_list_url(organisation))
    townships = list(Township.objects.filter(organisation=organisation))
    people = dict(
        Person.objects.filter(org_path__startswith=organisation.path)
        .values_list("township")
        .annotate(n=Count("id"))
        .order_by()
    )
    listed = {t.name for t in townships}
    for township in townships:
        township.people = people.get(township.name, 0)  # type: ignore[attr-defined]
    unlisted = sorted((name, n) for name, n in people.items() if name and name not in listed)
    return render(
        request,
        "registry/townships.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "townships": townships,
            "unlisted": unlisted,
            "can_edit": can_edit,
            "add_form": add_form,
            "file_form": file_form,
        },
    )


def _get_township(request: AuthenticatedRequest, township_pk: int) -> Township:
    township = get_object_or_404(
        Township.objects.visible_to(request.user).select_related("organisation"), pk=township_pk
    )
    try:
        require_registry_writer(request.user, township.organisation)
    except DomainError:
        raise PermissionDenied from None
    return township


@login_required
def township_edit(request: AuthenticatedRequest, township_pk: int) -> HttpResponse:
    township = _get_township(request, township_pk)
    form = TownshipForm(initial={"name": township.name})
    if request.method == "POST":
        form = TownshipForm(request.POST)
        if form.is_valid():
            try:
                kept = services.rename_township(
                    by=request.user, township=township, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if kept.pk != township.pk:
                    messages.success(
                        request, _("Merged into “%(name)s”, with its people.") % {"name": kept}
                    )
                else:
                    messages.success(request, _("The township was renamed, with its people."))
                return redirect(_list_url(township.organisation))
    return render(request, "registry/township_edit.html", {"township": township, "form": form})


@require_POST
@login_required
def township_remove(request: AuthenticatedRequest, township_pk: int) -> HttpResponse:
    township = _get_township(request, township_pk)
    services.remove_township(by=request.user, township=township)
    messages.success(request, _("“%(name)s” was taken off the list.") % {"name": township.name})
    return redirect(_list_url(township.organisation))
