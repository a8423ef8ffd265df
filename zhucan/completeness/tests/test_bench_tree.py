"""The province tree `make bench` times the completeness page on, in miniature: it must be a
consistent tree, and the page's query count must not grow with it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bench.completeness import ProvinceTree, TreeSize, build_province_tree, page_queries
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.completeness.selectors import completeness
from zhucan.orgs.models import Organisation
from zhucan.orgs.ordering import sort_path_for
from zhucan.testing.auth import login_verified

SMALL = TreeSize(
    cities=2, counties_per_city=3, units_per_county=3, units_per_city=2, units_at_province=2
)
TWICE = TreeSize(
    cities=4, counties_per_city=3, units_per_county=3, units_per_city=2, units_at_province=2
)


def test_the_tree_is_consistent(db: None) -> None:
    tree = build_province_tree(SMALL)
    orgs = list(Organisation.objects.filter(path__startswith=tree.province.path))
    assert len(orgs) == tree.organisations == 1 + 2 + 6 + 2 + 2 * 2 + 6 * 3
    by_pk = {o.pk: o for o in orgs}
    for org in orgs:
        parent = by_pk.get(org.parent_id) if org.parent_id else None
        assert org.path == f"{parent.path if parent else '/'}{org.pk}/"
        assert org.depth == (parent.depth + 1 if parent else 0)
        # The order create_organisation gives: without it, every ordered read would tie.
        assert org.sort_path == sort_path_for(org, parent)
    assert len({o.sort_path for o in orgs}) == len(orgs)
    assert {c.depth for c in tree.counties} == {2}

    campaigns = Campaign.objects.filter(pk__in=tree.campaign_ids)
    assert campaigns.count() == 1 + 2 + 6
    assert not campaigns.exclude(status=Campaign.Status.PUBLISHED).exists()
    for campaign in campaigns.select_related("issuing_org"):
        got = set(
            Receipt.objects.filter(campaign=campaign).values_list("organisation_id", flat=True)
        )
        # Each campaign reaches exactly the organisations directly under its issuer.
        assert got == {o.pk for o in orgs if o.parent_id == campaign.issuing_org_id}
        if campaign.parent_id is not None:
            assert Campaign.objects.get(pk=campaign.parent_id).issuing_org_id == (
                campaign.issuing_org.parent_id
            )
    assert tree.receipts == len(orgs) - 1

    report = completeness(tree.coordinator, tree.campaign)
    assert len(report.rows) == tree.receipts
    assert report.totals["plan"].done == tree.plans


def _page_queries(tree: ProvinceTree) -> tuple[int, int]:
    """Queries for the page and for a drill-down into the first city."""
    client = login_verified(Client(), tree.coordinator)
    url = reverse("completeness:campaign", kwargs={"campaign_pk": tree.campaign.pk})
    assert client.get(url).status_code == 200  # the session's first request does more
    return page_queries(client, url), page_queries(client, f"{url}?node={tree.cities[0].pk}")


def test_the_page_queries_do_not_grow_with_the_tree(db: None) -> None:
    small = _page_queries(build_province_tree(SMALL))
    twice = _page_queries(build_province_tree(TWICE, province_code="420000"))
    assert small == twice, (small, twice)
    assert max(small) <= 25
