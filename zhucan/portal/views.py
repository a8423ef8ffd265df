"""Public pages: no sign-in, read only what is published (``selectors``), kept whole in the
cache (``cache``). They never read the session, the user or a CSRF token: a stored page must be
the same for every visitor of one language and display mode."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from zhucan.activities.models import InstitutionKind
from zhucan.orgs.models import Organisation
from zhucan.portal import selectors
from zhucan.portal.cache import public_page
from zhucan.portal.chrome import TEXT, page_context
from zhucan.portal.display import remember
from zhucan.portal.sites import site_organisation


def _page(
    request: HttpRequest,
    template: str,
    site: Organisation,
    code: str,
    variant: str,
    **context: Any,
) -> HttpResponse:
    context |= page_context(request, site=site, code=code, text_only=variant == TEXT)
    return public_page(render(request, template, context))


def _today() -> Any:
    return timezone.localdate()


def site(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    campaign = selectors.current_campaign(organisation)
    on = selectors.whats_on(organisation, today=_today())
    return _page(
        request,
        "portal/site.html",
        organisation,
        code,
        variant,
        campaign=campaign,
        coming=on.coming[:5],
        recent=on.past[:3],
        stories=list(selectors.public_stories(organisation)[:3]),
    )


def whats_on(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    on = selectors.whats_on(organisation, today=_today())
    return _page(
        request, "portal/whats_on.html", organisation, code, variant, coming=on.coming, past=on.past
    )


def activity(request: HttpRequest, code: str, activity_pk: int, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    row = selectors.public_activity(organisation, activity_pk)
    return _page(
        request,
        "portal/activity.html",
        organisation,
        code,
        variant,
        activity=row,
        held=row.end_date < _today(),
    )


def stories(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    rows = list(selectors.public_stories(organisation)[: selectors.STORIES_SHOWN])
    return _page(request, "portal/stories.html", organisation, code, variant, stories=rows)


def story(request: HttpRequest, code: str, typical_pk: int, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    row = selectors.public_story(organisation, typical_pk)
    return _page(request, "portal/story.html", organisation, code, variant, story=row)


def directory(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    kind = request.GET.get("kind", "")
    if kind not in InstitutionKind.values:
        kind = ""
    rows = list(selectors.directory(organisation, kind=kind))
    response = _page(
        request,
        "portal/directory.html",
        organisation,
        code,
        variant,
        rows=rows,
        kind=kind,
        kinds=InstitutionKind.choices,
    )
    # One stored page per kind, never one per made-up query.
    if request.META.get("QUERY_STRING", "") not in ("", f"kind={kind}"):
        response.portal_cacheable = False  # type: ignore[attr-defined]
    return response


def contacts(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    campaign = selectors.current_campaign(organisation)
    return _page(request, "portal/contacts.html", organisation, code, variant, campaign=campaign)


def policies(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    organisation = site_organisation(code)
    campaign = selectors.current_campaign(organisation)
    return _page(
        request,
        "portal/policies.html",
        organisation,
        code,
        variant,
        campaign=campaign,
        policies=selectors.policies(campaign),
    )


def printable(request: HttpRequest, code: str, variant: str = "") -> HttpResponse:
    """Everything on one page, for printing and handing to someone without a phone."""
    organisation = site_organisation(code)
    campaign = selectors.current_campaign(organisation)
    on = selectors.whats_on(organisation, today=_today())
    return _page(
        request,
        "portal/print.html",
        organisation,
        code,
        variant,
        campaign=campaign,
        coming=on.coming,
        rows=list(selectors.directory(organisation)),
        policies=selectors.policies(campaign),
    )


def photo(request: HttpRequest, code: str, photo_pk: int, large: bool = False) -> FileResponse:
    organisation = site_organisation(code)
    item = selectors.public_photo(organisation, photo_pk)
    file = item.image if large else item.thumbnail
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    # Published with consent: a shared cache may keep it, briefly, as withdrawal must take.
    response["Cache-Control"] = "public, max-age=300"
    return response


def display(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the elder mode or the language with a plain link: a cookie, then back."""
    site_organisation(code)
    home = f"/p/{code}/"
    target = request.GET.get("next", home)
    if not target.startswith(home) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = home
    response = HttpResponseRedirect(target, status=303)
    response["Cache-Control"] = "no-store"
    remember(response, request, elder=request.GET.get("elder"), language=request.GET.get("lang"))
    return response
