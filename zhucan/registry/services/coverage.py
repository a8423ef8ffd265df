"""The not-yet-helped list as a file: what the people who will visit take with them.

Personal data leaves the system here, so the list is masked, formula-safe and its download
audited in the same step that builds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.excel import XlsxTable, new_workbook, workbook_bytes
from zhucan.orgs.models import Organisation
from zhucan.registry import access, selectors
from zhucan.registry.models import Person
from zhucan.registry.models.people import NEED_FLAGS

NEED_LABELS = {
    "need_income_fell": Person._meta.get_field("need_income_fell").verbose_name,
    "need_no_guardian": Person._meta.get_field("need_no_guardian").verbose_name,
    "need_no_care": Person._meta.get_field("need_no_care").verbose_name,
    "need_other": Person._meta.get_field("need_other").verbose_name,
}


def export_not_helped(
    *,
    by: Actor,
    result: selectors.Coverage,
    area: Organisation | None = None,
    township: str | None = None,
) -> bytes:
    """The people in need under ``result``'s node (or ``area``, ``township``) that the campaign
    has not helped yet, as an .xlsx; the download is audited against the campaign."""
    access.require_registry_reader(by)
    campaign, node = result.campaign, result.node
    people = selectors.not_helped(by, result, area=area, township=township)
    areas = {r.area.pk: r.area.name for r in result.rows}
    depth = len(node.path.strip("/").split("/"))
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        _("Not yet helped"),
        [
            _("County or unit"),
            _("Township"),
            _("Village"),
            _("Name"),
            _("ID number"),
            _("Phone"),
            _("Guardian or carer"),
            _("Guardian's phone"),
            _("Needs"),
            _("About the need"),
        ],
        widths=[24, 16, 16, 12, 22, 16, 12, 16, 40, 40],
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for p in people.iterator(chunk_size=2000):
            parts = p.org_path.strip("/").split("/")
            area_id = int(parts[depth]) if len(parts) > depth else node.pk
            needs = "、".join(str(NEED_LABELS[f]) for f in NEED_FLAGS if getattr(p, f))
            yield (
                areas.get(area_id, node.name),
                p.township,
                p.village,
                p.name,
                p.id_masked,
                p.phone_masked,
                p.guardian_name,
                p.guardian_phone_masked,
                needs,
                p.need_note,
            )

    table.add_rows(rows())
    audit.record_download(
        by=by,
        action="registry.coverage.exported",
        fmt="xlsx",
        target=campaign,
        org_path=node.path,
        filters={
            "node": node.pk,
            "area": area.pk if area else None,
            "township": township[:50] if township is not None else None,
        },
        rows=table.rows,
        details={"node": node.pk},
    )
    return workbook_bytes(workbook)
