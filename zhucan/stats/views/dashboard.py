"""The statistics dashboards: a campaign's figures at a node, level by level, down to one
organisation's accepted reports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from zhucan.activities.dates import campaign_period
from zhucan.campaigns.access import get_campaign_for_user
from zhucan.campaigns.models import Campaign
from zhucan.core.routing import reads_from_replica
from zhucan.orgs.access import get_organisation_for_user
from zhucan.orgs.models import Organisation
from zhucan.stats import selectors
from zhucan.stats.board_cache import CachedBoard, board_key, get_board, put_board
from zhucan.stats.charts import build_charts
from zhucan.stats.forms import FilterForm
from zhucan.stats.help_requests import HelpFigures, cached_help_figures, help_figures
from zhucan.stats.help_tables import help_tables
from zhucan.stats.tables import build_tables


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The campaign chosen (else the latest one the person sees), from the top of their part of
    the tree."""
    if request.GET.get("campaign"):
        chosen = get_campaign_for_user(request.user, request.GET["campaign"])
        return redirect("stats:dashboard", campaign_pk=chosen.pk)
    campaign = selectors.default_campaign(request.user)
    if campaign is None:
        return render(request, "stats/no_campaign.html")
    return redirect("stats:dashboard", campaign_pk=campaign.pk)


def node_for(request: HttpRequest, campaign: Campaign, org_pk: Any | None) -> Organisation:
    """The node asked for (404 outside the jurisdiction or the campaign's tree), else the top
    of the person's view of the campaign."""
    if org_pk is None:
        node = selectors.default_node(request.user, campaign)
        if node is None:
            raise Http404
        return node
    node = get_organisation_for_user(request.user, org_pk)
    if not selectors.check_node(campaign, node):
        raise Http404
    return node


def filter_form(request: HttpRequest, campaign: Campaign) -> FilterForm:
    asked = any(request.GET.get(k) for k in ("duty", "category", "mode", "date_from", "date_to"))
    return FilterForm(request.GET if asked else None, campaign=campaign)


@login_required
@reads_from_replica
def dashboard(request: HttpRequest, campaign_pk: int, org_pk: int | None = None) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, campaign_pk)
    node = node_for(request, campaign, org_pk)
    form = filter_form(request, campaign)
    filters = form.filters()
    top = selectors.default_node(request.user, campaign)
    query = request.GET.urlencode()
    context: dict[str, Any] = {
        "campaign": campaign,
        "node": node,
        "live": filters.active,
        "form": form,
        "query": query,
        "breadcrumbs": selectors.breadcrumbs(node, top),
        "campaigns": selectors.campaign_choices(request.user),
    }
    if filters.active:
        # Counted from the reports just now: nothing to keep.
        board = selectors.dashboard(request.user, campaign, node=node, filters=filters)
        cached = _render_board(board, context)
    else:
        children = selectors.children_of(node)
        media = selectors.media_counts(campaign, node)
        state = selectors.cells_state(campaign, node)
        key = board_key(
            user=request.user,
            campaign=campaign,
            node=node,
            state=state,
            children=children,
            media=media,
            language=get_language(),
            query=query,
        )
        found = get_board(key)
        if found is None:
            board = selectors.dashboard(
                request.user, campaign, node=node, children=children, media=media, state=state
            )
            found = _render_board(board, context)
            put_board(key, found)
        cached = found
    # Our own rendering, escaped when it was made (a cache may hand back a plain str).
    html = mark_safe(cached.html)  # noqa: S308
    context |= {"board_html": html, "as_of": cached.as_of, "has_charts": cached.has_charts}
    # Kept apart from the board: requests change apart from the cells (stats.help_requests).
    helped = help_for(campaign, node, filters, cached=True)
    context |= {"help": helped, "help_tables": help_tables(helped)}
    return render(request, "stats/dashboard.html", context)


def help_for(
    campaign: Campaign, node: Organisation, filters: selectors.Filters, *, cached: bool = False
) -> HelpFigures:
    """The help requests under the node received in the filters' dates, else in the campaign's
    period (its year); duty, category and mode are the reports' and do not apply. ``cached``
    for the page (a download counts afresh)."""
    first, last = campaign_period(campaign)
    read = cached_help_figures if cached else help_figures
    return read(node, date_from=filters.date_from or first, date_to=filters.date_to or last)


def _render_board(board: selectors.Dashboard, context: dict[str, Any]) -> CachedBoard:
    """The tables and charts as HTML; ``board``, ``tables`` and ``charts`` join ``context``."""
    campaign, query = context["campaign"], context["query"]
    suffix = f"?{query}" if query else ""
    for line in board.lines:
        name = "stats:node" if line.drillable and not line.is_node else "stats:reports"
        line.href = reverse(name, args=[campaign.pk, line.organisation_id]) + suffix
    charts = build_charts(board)
    tables = build_tables(board)
    by_key = {t.key: t for t in tables}
    for chart in charts:
        if chart.table in by_key:
            by_key[chart.table].charts.append(chart)
    context |= {
        "board": board,
        "tables": tables,
        "charts": charts,
        "chart_data": {c.key: c.as_json() for c in charts},
    }
    return CachedBoard(
        html=render_to_string("stats/_board.html", context),
        as_of=board.as_of,
        has_charts=bool(charts),
        indicators=tuple((i.pk, i.name, i.unit, i.position) for i in board.indicators),
    )


@login_required
def reports(request: HttpRequest, campaign_pk: int, org_pk: int) -> HttpResponse:
    """One organisation's own accepted reports for the campaign, each linking to the report."""
    campaign = get_campaign_for_user(request.user, campaign_pk)
    organisation = node_for(request, campaign, org_pk)
    form = filter_form(request, campaign)
    found = selectors.accepted_reports(campaign, organisation, form.filters())
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    top = selectors.default_node(request.user, campaign)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stats/reports.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "form": form,
            "page_obj": page,
            "querystring_base": f"{query.urlencode()}&" if query else "",
            "breadcrumbs": selectors.breadcrumbs(organisation, top)
            + ([(organisation.pk, organisation.name)] if top and organisation.pk != top.pk else []),
            "top": top,
        },
    )
