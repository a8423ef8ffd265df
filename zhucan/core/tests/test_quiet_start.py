"""`make run` shows a newcomer the address and the accounts, not warnings about what is fine."""

from pathlib import Path

import pytest
from django.core import checks

from zhucan import keyfiles


@pytest.mark.django_db
def test_the_system_checks_with_the_database_warn_of_nothing() -> None:
    # runserver and migrate run the database checks too; on SQLite the registry's covering
    # index used to raise models.W040 at every start.
    found = [m for m in checks.run_checks(databases=["default"]) if not m.is_silenced()]
    assert not [m for m in found if m.level >= checks.WARNING], found


def test_a_demo_key_file_is_announced_only_when_it_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZHUCAN_TEST_KEY", raising=False)
    monkeypatch.delenv("ZHUCAN_TEST_KEY_FILE", raising=False)

    def load() -> str:
        return keyfiles.load_key(
            variable="ZHUCAN_TEST_KEY",
            file_variable="ZHUCAN_TEST_KEY_FILE",
            default_file=tmp_path / "test_key",
            may_create=True,
            what="a test key",
            new=keyfiles.new_secret_key(),
            missing=[],
        )

    first = load()
    assert "Zhucan demo: created a test key" in capsys.readouterr().err
    assert load() == first
    assert capsys.readouterr().err == ""
