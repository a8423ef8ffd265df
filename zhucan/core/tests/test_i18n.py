"""The interface is Chinese by default, English on request, and every msgid is translated."""

import ast
import shutil
import subprocess  # noqa: S404 - runs xgettext, as makemessages does
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import templatize

from zhucan import settings as production_settings
from zhucan.conftest import World
from zhucan.testing.auth import login_verified

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_default_language_is_simplified_chinese() -> None:
    assert production_settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.parametrize(("cookie", "expected"), [("zh-hans", "我的待办"), ("en", "My to-dos")])
def test_pages_render_in_the_chosen_language(
    client: Client, world: World, cookie: str, expected: str
) -> None:
    login_verified(client, world.city_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    body = client.get(reverse("core:home")).content.decode()
    assert expected in body
    assert ('<html lang="zh-Hans"' in body) == (cookie == "zh-hans")


def test_the_language_button_switches_and_remembers(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    client.post(reverse("accounts:display"), {"language": "zh-hans", "next": "/"})
    assert "我的待办" in client.get(reverse("core:home")).content.decode()


def test_every_message_has_a_chinese_translation() -> None:
    entries = _entries(PO.read_text(encoding="utf-8"))
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or e["fuzzy"]]
    assert not untranslated, untranslated[:10]


def test_the_po_reader_sees_entries_with_no_blank_line_between_them() -> None:
    text = 'msgid "A"\nmsgstr "甲"\nmsgid "B"\nmsgstr ""\n#, fuzzy\nmsgid "C"\nmsgstr "丙"\n'
    assert [(e["msgid"], e["msgstr"], e["fuzzy"]) for e in _entries(text)] == [
        ("A", "甲", ""),
        ("B", "", ""),
        ("C", "丙", "yes"),
    ]


def test_a_service_message_is_translated() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("There is a problem") != "There is a problem"


# The same sources `make messages` reads (see its --ignore list), so a msgid this finds is one
# a Chinese user can meet on a page, in a form, a model's choices or a view's message.
_EXCLUDED_PARTS = {"tests", "testing", ".venv", "node_modules", "var", "bench"}
_XGETTEXT = [
    "xgettext",
    "--language=Python",
    "--from-code=UTF-8",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
    "--no-location",
]


def _sources(base: Path) -> tuple[list[Path], list[Path]]:
    python, templates = [], []
    for root in (base / "zhucan", base / "templates"):
        for path in root.rglob("*"):
            if _EXCLUDED_PARTS & set(path.relative_to(base).parts) or not path.is_file():
                continue
            if path.suffix == ".py":
                python.append(path)
            elif path.suffix in {".html", ".txt"}:
                templates.append(path)
    return python, templates


def _unquote(line: str) -> str:
    text: str = ast.literal_eval(line)
    return text


def _entries(po_text: str) -> list[dict[str, str]]:
    """Parse a PO text into entries: msgctxt, msgid, msgstr (plurals joined), fuzzy flag.

    Line by line, not by blank lines: msgfmt accepts entries with no blank line between
    them, and appended translations often have none.
    """
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""

    def start() -> dict[str, str]:
        if entry.get("msgid"):
            entries.append(entry)
        return {"msgctxt": "", "msgid": "", "msgstr": "", "fuzzy": ""}

    entry = start()
    for line in [*po_text.splitlines(), "#"]:
        word, _, rest = line.partition(" ")
        if line.startswith("#") or word in {"msgctxt", "msgid"}:
            if "msgstr" in key:
                entry, key = start(), ""
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = "yes"
            if word in {"msgctxt", "msgid"}:
                key = word
                entry[key] += _unquote(rest)
        elif word.startswith("msgstr"):
            # Every plural form must be translated: an empty one shows English.
            if not _unquote(rest) and entry["msgstr"]:
                entry["fuzzy"] = "yes"
            key = "msgstr_" + word
            entry["msgstr"] += _unquote(rest)
        elif word == "msgid_plural":
            key = word
        elif line.startswith('"') and key in {"msgctxt", "msgid"}:
            entry[key] += _unquote(line)
        elif line.startswith('"') and key.startswith("msgstr"):
            entry["msgstr"] += _unquote(line)
    return entries


def used_msgids(base: Path, workdir: Path) -> set[tuple[str, str]]:
    """Every (context, msgid) the code and templates ask gettext for, as makemessages sees them."""
    python, templates = _sources(base)
    for index, template in enumerate(templates):
        text = templatize(template.read_text(encoding="utf-8"), origin=str(template))
        (workdir / f"template_{index}.py").write_text(text, encoding="utf-8")
        python.append(workdir / f"template_{index}.py")
    listing = workdir / "files.txt"
    listing.write_text("\n".join(str(p) for p in python), encoding="utf-8")
    pot = workdir / "used.pot"
    subprocess.run(  # noqa: S603 - fixed argument list, paths from this repository
        [*_XGETTEXT, f"--files-from={listing}", f"--output={pot}"], check=True
    )
    return {(e["msgctxt"], e["msgid"]) for e in _entries(pot.read_text(encoding="utf-8"))}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_message_the_interface_uses_has_a_chinese_translation(tmp_path: Path) -> None:
    # A msgid added to a template or form without `make messages` shows in English on the
    # Chinese interface (the "Return for correction" block did); this finds every one.
    translated = {
        (e["msgctxt"], e["msgid"])
        for e in _entries(PO.read_text(encoding="utf-8"))
        if e["msgstr"] and not e["fuzzy"]
    }
    missing = sorted(used_msgids(Path(settings.BASE_DIR), tmp_path) - translated)
    assert not missing, f"{len(missing)} msgids have no Chinese translation: {missing[:20]}"


def test_the_admin_names_each_app_in_chinese() -> None:
    # The admin lists apps by their AppConfig.verbose_name: plain strings showed in English.
    from django.apps import apps

    with translation.override("zh-hans"):
        names = {
            config.label: str(config.verbose_name)
            for config in apps.get_app_configs()
            if config.name.startswith("zhucan.")
        }
    assert names["campaigns"] == "活动与通知"
    assert not [n for n in names.values() if n.isascii()], names
