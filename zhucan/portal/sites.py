"""Which organisation a public site belongs to: the committee (or, lacking one, the federation)
of a region, found by the region's code (GB/T 2260), as in ``/p/410422/``."""

from __future__ import annotations

from django.http import Http404

from zhucan.orgs.models import Organisation

SITE_KINDS = (Organisation.Kind.COMMITTEE, Organisation.Kind.FEDERATION)


def site_organisation(code: str) -> Organisation:
    """The organisation whose public site ``code`` is; 404 for a region with none."""
    candidates = Organisation.objects.filter(
        region_id=code, kind__in=SITE_KINDS, is_active=True
    ).order_by("kind", "id")
    ordered = sorted(candidates, key=lambda org: SITE_KINDS.index(org.kind))
    if not ordered:
        raise Http404
    return ordered[0]
