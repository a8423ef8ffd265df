"""Keeping a registry organisation's township list: add, rename (or merge), remove, load
from Excel. Each checks the person may keep that registry, and is audited."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.xlsx_reader import SheetLimits, UnreadableFileError, read_first_sheet
from zhucan.orgs.models import Organisation
from zhucan.registry.models import Person, Township
from zhucan.registry.services.people import require_registry_writer
from zhucan.registry.townships import township_key

MAX_NAME = 60
MAX_LIST_ROWS = 2000  # a county has a few dozen townships; a city a few hundred


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the name of the township or street."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(
            _("A township name has at most %(max)d characters.") % {"max": MAX_NAME},
            field="name",
        )
    return name


def _same_place(organisation: Organisation, name: str, *, but: Township | None = None) -> Any:
    """A listed township that ``name`` is another spelling of (see ``township_key``)."""
    key = township_key(name)
    others = Township.objects.filter(organisation=organisation)
    if but is not None:
        others = others.exclude(pk=but.pk)
    return next((t for t in others if township_key(t.name) == key), None)


@transaction.atomic
def add_township(*, by: Actor, organisation: Organisation, name: str) -> Township:
    require_registry_writer(by, organisation)
    name = _clean_name(name)
    same = _same_place(organisation, name)
    if same is not None:
        raise DomainError(
            _("“%(name)s” is already on the list as “%(listed)s”.")
            % {"name": name, "listed": same.name},
            field="name",
        )
    try:
        with transaction.atomic():  # the same name sent twice at once: the second is refused
            township = Township.objects.create(organisation=organisation, name=name)
    except IntegrityError:
        raise DomainError(
            _("“%(name)s” is already on the list as “%(listed)s”.")
            % {"name": name, "listed": name},
            field="name",
        ) from None
    audit.record(by=by, action="registry.township.added", target=township, changes={"name": name})
    return township


@transaction.atomic
def rename_township(*, by: Actor, township: Township, name: str) -> Township:
    """Rename a township, and its people with it. A name already on the list merges the two:
    the people of this one move to the other, and this one is removed (how a misspelt
    township that came in with an old sheet is put right)."""
    township = (
        Township.objects.select_for_update().select_related("organisation").get(pk=township.pk)
    )
    organisation = township.organisation
    require_registry_writer(by, organisation)
    name = _clean_name(name)
    old = township.name
    if name == old:
        return township
    target = Township.objects.filter(organisation=organisation, name=name).first()
    people = Person.objects.filter(org_path__startswith=organisation.path, township=old)
    moved = people.update(township=name)
    if target is not None:
        audit.record(
            by=by,
            action="registry.township.merged",
            target=target,
            changes={"from": old, "to": name, "people": moved},
        )
        township.delete()
        return target
    township.name = name
    township.save(update_fields=["name"])
    audit.record(
        by=by,
        action="registry.township.renamed",
        target=township,
        changes={"name": [old, name], "people": moved},
    )
    return township


@transaction.atomic
def remove_township(*, by: Actor, township: Township) -> None:
    """Take a township off the list. Its people keep the name as written; the import and the
    form no longer accept it."""
    organisation = township.organisation
    require_registry_writer(by, organisation)
    audit.record(
        by=by,
        action="registry.township.removed",
        target=township,
        changes={"name": township.name},
    )
    Township.objects.filter(pk=township.pk).delete()


@dataclasses.dataclass
class ListImport:
    added: list[str]
    known: list[str]  # already listed (under that or another spelling)


def _limits() -> SheetLimits:
    from zhucan.registry.imports.reading import registry_limits

    return dataclasses.replace(registry_limits(), max_rows=MAX_LIST_ROWS, max_columns=50)


def _is_header(text: str) -> bool:
    # "乡镇（街道）", "乡镇名称", "街道": a heading, not a place ("光明路街道" is a place).
    text = "".join(text.split())
    return "乡镇" in text or "名称" in text or text in ("街道", "序号")


def _names(rows: list[list[Any]]) -> list[str]:
    """The names in the column headed 乡镇/街道/名称 (else the first column), below it."""
    column, start = 0, 0
    for number, row in enumerate(rows[:5]):
        headed = [i for i, cell in enumerate(row) if _is_header(str(cell or ""))]
        if headed:
            township = [i for i in headed if "序号" not in str(row[i])]
            column, start = (township or headed)[0], number + 1
            break
    names = []
    for row in rows[start:]:
        value = row[column] if column < len(row) else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value or "").split())
        if text:
            names.append(text)
    return names


@transaction.atomic
def import_townships(*, by: Actor, organisation: Organisation, data: bytes) -> ListImport:
    """Add the names of an Excel list (one township per row) that are not listed yet."""
    require_registry_writer(by, organisation)
    try:
        rows = read_first_sheet(data, limits=_limits())
    except UnreadableFileError as error:
        raise DomainError(error.message, field="file") from None
    result = ListImport(added=[], known=[])
    keys = {
        township_key(t): t for t in organisation.registry_townships.values_list("name", flat=True)
    }
    for raw in _names(rows):
        name = _clean_name(raw)
        if township_key(name) in keys:
            result.known.append(name)
            continue
        Township.objects.create(organisation=organisation, name=name)
        keys[township_key(name)] = name
        result.added.append(name)
    if not result.added and not result.known:
        raise DomainError(_("The file holds no township names."), field="file")
    audit.record(
        by=by,
        action="registry.townships.imported",
        target=organisation,
        changes={"added": len(result.added), "known": len(result.known)},
    )
    return result
