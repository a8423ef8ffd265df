"""The interface is Chinese by default, English on request, and every msgid is translated."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from zhucan import settings as production_settings
from zhucan.testing.auth import login_verified

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_default_language_is_simplified_chinese():
    assert production_settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.parametrize(("cookie", "expected"), [("zh-hans", "我的待办"), ("en", "My to-dos")])
def test_pages_render_in_the_chosen_language(client, world, cookie, expected):
    login_verified(client, world.city_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    body = client.get(reverse("core:home")).content.decode()
    assert expected in body
    assert ('<html lang="zh-Hans"' in body) == (cookie == "zh-hans")


def test_the_language_button_switches_and_remembers(client, world):
    login_verified(client, world.city_officer)
    client.post(reverse("accounts:display"), {"language": "zh-hans", "next": "/"})
    assert "我的待办" in client.get(reverse("core:home")).content.decode()


def test_every_message_has_a_chinese_translation():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [
        e.split("\n")[0]
        for e in entries
        if e.rstrip().endswith(('msgstr ""', 'msgstr[0] ""')) or "#, fuzzy" in e
    ]
    assert not untranslated, untranslated[:10]


def test_a_service_message_is_translated():
    with translation.override("zh-hans"):
        assert translation.gettext("There is a problem") != "There is a problem"
