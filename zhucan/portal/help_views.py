"""The requester's side of help requests: the form, the page with the number, the status
look-up and reopening. No sign-in; nothing a visitor typed is shown to anyone else, and the
form pages are never cached (each carries its own CSRF token and form token), so they draw the
public header themselves (``chrome.page_context``) rather than through the cache's views."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhucan.core.errors import DomainError
from zhucan.core.forms import apply_domain_error
from zhucan.core.net import client_ip
from zhucan.core.ratelimit import over_limit
from zhucan.helprequests.services import (
    RequestInput,
    can_reopen,
    find_own_request,
    phone_check,
    reopen_request,
    submit_request,
)
from zhucan.helprequests.services.intake import (
    NUMBER_PATTERN,
    client_index,
    responsible_organisation,
    township_offices,
)
from zhucan.helprequests.services.requester import not_found_message
from zhucan.orgs.models import Organisation, Region
from zhucan.portal.chrome import TEXT, page_context
from zhucan.portal.display import remember
from zhucan.portal.help_forms import (
    MIN_SECONDS,
    HelpRequestForm,
    LookupForm,
    PhoneCodeForm,
    seconds_since,
    started_stamp,
)
from zhucan.portal.sites import site_organisation

LOOKUPS_PER_HOUR = 20


def _name(variant: str, name: str) -> str:
    """The URL name of a help page in the version (full or text-only) the visitor is in."""
    return f"portal:text_{name}" if variant == TEXT else f"portal:{name}"


def _render(
    request: HttpRequest,
    template: str,
    *,
    site: Organisation,
    code: str,
    variant: str,
    **context: Any,
) -> HttpResponse:
    # What the view passes wins: a display switch draws the page in the mode just chosen.
    context = page_context(request, site=site, code=code, text_only=variant == TEXT) | context
    return render(request, template, context)


# GB/T 2260 lists a city's districts together under "市辖区" (410401): not a place anyone lives.
_NOT_A_PLACE = "市辖区"


def _children(region: Region) -> list[Region]:
    found = Region.objects.filter(parent=region, is_current=True).exclude(name=_NOT_A_PLACE)
    return list(found.order_by("code"))


def _areas(site_region: Region, chosen: str) -> tuple[list[Region], Region]:
    """The counties to narrow down to (the GET step), and the area whose places the form
    offers: the chosen county, else the site's own region."""
    counties = [r for r in _children(site_region) if r.level == Region.Level.COUNTY]
    area = next((r for r in counties if r.code == chosen), site_region)
    return counties, area


# The header's switches on the form page are buttons of the form (``display``): the mode or
# language to change to (elder mode "1"/"0", a language), or "version", sent to the other
# version's address, which changes nothing but the address.
_SWITCHES: dict[str, tuple[str | None, str | None]] = {
    "elder": ("1", None),
    "normal": ("0", None),
    "version": (None, None),
    **{code: (None, code) for code, _name in settings.LANGUAGES},
}


def _switched(
    request: HttpRequest, switch: str, form: HelpRequestForm, **page: Any
) -> HttpResponse:
    """The form again, as typed, in the mode or language just chosen: nothing checked, so no
    errors, and no request made; the cookie is set on this response for the next pages."""
    elder, language = _SWITCHES[switch]
    form.keep_as_typed()
    if elder is not None:
        page["elder"] = elder == "1"
    with translation.override(language or translation.get_language()):
        response = _render(request, "portal/help_form.html", form=form, **page)
    remember(response, request, elder=elder, language=language)
    return response


def _submit(
    request: HttpRequest, form: HelpRequestForm, page: dict[str, Any], *, spam_reason: str
) -> HttpResponse | None:
    """Make the request and go to its number; None, with the error on the form, if refused."""
    data = form.cleaned_data
    try:
        made = submit_request(
            by=None,
            site=page["site"],
            data=RequestInput(
                kind=data["kind"],
                phone=data["phone"],
                description=data["description"],
                region=data["region"],
                place=data["place"],
                preferred_time=data["preferred_time"],
                contact=data["contact"],
                name=data["name"],
                id_number=data["id_number"],
                consent=data["consent"],
                on_behalf=data["on_behalf"],
                township_office=data.get("township_office"),
            ),
            token=data.get("client_id"),
            address=client_ip(request),
            spam_reason=spam_reason,
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return None
    return redirect(_name(page["variant"], "help_done"), code=page["code"], number=made.number)


def _check_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _phone_step(request: HttpRequest, form: HelpRequestForm, page: dict[str, Any]) -> HttpResponse:
    """The second step where the office asked for it: the code sent by text message, typed
    back; or the request sent without it (to the spam list, unverified). The form's fields
    travel along hidden, so nothing is kept on the server but the hashed code."""
    step = request.POST.get("check_step", "")
    phone = form.cleaned_data["phone"]
    if step == "no_sms":
        done = _submit(request, form, page, spam_reason=phone_check.UNVERIFIED)
        return done or _render(request, "portal/help_form.html", form=form, **page)
    code_form = PhoneCodeForm(request.POST if step == "confirm" else None)
    check = _check_id(request.POST.get("check", ""))
    limited = ""
    if step == "confirm" and check is not None:
        if code_form.is_valid():
            outcome = phone_check.confirm_phone_check(
                check_id=check, phone=phone, code=code_form.cleaned_data["code"]
            )
            if outcome == phone_check.Outcome.CONFIRMED:
                done = _submit(request, form, page, spam_reason="")
                return done or _render(request, "portal/help_form.html", form=form, **page)
            code_form.add_error("code", code_form.problem(outcome))
    else:
        try:
            check = phone_check.send_phone_check(
                by=None, phone=phone, address=client_ip(request)
            ).id
        except DomainError as error:
            check, limited = None, error.message
    return _render(
        request,
        "portal/help_check.html",
        form=form,
        code_form=code_form,
        check=check or "",
        limited=limited,
        # In full: the requester typed it on this very page, and sees a typo at once.
        phone=phone,
        minutes=phone_check.CODE_MINUTES,
        default_step="confirm" if check else "",
        **page,
    )


@never_cache
def help_form(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    site = site_organisation(code)
    site_region: Region = site.region
    counties, area = _areas(site_region, request.GET.get("area", ""))
    places = [area, *_children(area)]
    initial = {"started": started_stamp()}
    if area != site_region:
        initial["region"] = area.code  # the county just chosen, until a township is
    offices = (
        township_offices(responsible_organisation(area, site))
        if area.level == Region.Level.COUNTY
        else []
    )
    form = HelpRequestForm(request.POST or None, regions=places, offices=offices, initial=initial)
    page: dict[str, Any] = {
        "site": site,
        "code": code,
        "variant": variant,
        "counties": counties,
        "area": area,
    }
    switch = request.POST.get("display", "") if request.method == "POST" else ""
    if switch in _SWITCHES:
        return _switched(request, switch, form, **page)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        elapsed = seconds_since(data.get("started") or "")
        spam_reason = ""
        if data.get("website"):
            spam_reason = "honeypot"
        elif elapsed is None or elapsed < MIN_SECONDS:
            spam_reason = "too_fast"
        # A robot gets no text message (each costs money and reaches a real phone).
        if not spam_reason and phone_check.is_required(
            responsible_organisation(data["region"], site)
        ):
            return _phone_step(request, form, page)
        done = _submit(request, form, page, spam_reason=spam_reason)
        if done is not None:
            return done
    return _render(request, "portal/help_form.html", form=form, **page)


@never_cache
def help_done(request: HttpRequest, code: str, number: str, variant: str = "") -> HttpResponse:
    site = site_organisation(code)
    # Only what a number looks like is shown back: the address cannot carry other text.
    if not NUMBER_PATTERN.match(number):
        raise Http404
    return _render(
        request, "portal/help_done.html", site=site, code=code, variant=variant, number=number
    )


def _over_lookup_limit(request: HttpRequest) -> bool:
    # Counted in the database, shared by every app server: guessing numbers from one address
    # gets the same 20 tries an hour however many servers answer.
    key = "helplookup:" + (client_index(client_ip(request)) or "unknown")
    return over_limit(key=key, limit=LOOKUPS_PER_HOUR, per_seconds=3600)


def _status_page(
    request: HttpRequest,
    code: str,
    variant: str,
    *,
    form: LookupForm,
    found: Any = None,
    note: str = "",
) -> HttpResponse:
    return _render(
        request,
        "portal/help_status.html",
        site=site_organisation(code),
        code=code,
        variant=variant,
        form=form,
        found=found,
        can_reopen=found is not None and can_reopen(found),
        note=note,
    )


def _look_up(request: HttpRequest, form: LookupForm) -> Any:
    """The request, or None with the one message for any mismatch (or too many tries)."""
    if not form.is_valid():
        return None
    if _over_lookup_limit(request):
        form.add_error(
            None,
            _("Too many look-ups from here in the last hour. Please try again later."),
        )
        return None
    found = find_own_request(number=form.cleaned_data["number"], phone=form.cleaned_data["phone"])
    if found is None:
        form.add_error(None, not_found_message())
    return found


@never_cache
def help_status(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    site_organisation(code)
    form = LookupForm(request.POST or None)
    found = _look_up(request, form) if request.method == "POST" else None
    return _status_page(request, code, variant, form=form, found=found)


@never_cache
def help_reopen(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    site_organisation(code)
    if request.method != "POST":
        return redirect(_name(variant, "help_status"), code=code)
    form = LookupForm(request.POST)
    found = _look_up(request, form)
    if found is None:
        return _status_page(request, code, variant, form=form)
    try:
        found = reopen_request(
            by=None, number=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _status_page(request, code, variant, form=form, found=found)
    note = _("Your request is open again. The office will contact you.")
    return _status_page(request, code, variant, form=form, found=found, note=note)
