"""The peak memory of handling one upload, measured in a fresh process.

``measure(kind, path)`` runs ``python -m zhucan.testing.upload_probe KIND PATH``: the child sets
Django up, imports every reader and reads the file, notes its resident set so far (the
baseline), hands the bytes to the reader the way the application does, and reports by how much
its peak resident set (VmHWM: Python, zlib, Pillow and calamine's Rust alike) rose,
with the message of the refusal if there was one (in Chinese, as users see it).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BAR_MB = 300  # no upload of any kind may raise a worker's memory by more than this
KINDS = ("notice", "registry", "organisations", "photo", "attachment")


def _readers() -> dict[str, Callable[[Path, bytes], object]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhucan.activities.images import process_photo
    from zhucan.campaigns.notice_parser import read_notice_file
    from zhucan.campaigns.services.attachments import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES
    from zhucan.core.uploads import check_upload
    from zhucan.orgs.xlsx_reader import read_first_sheet
    from zhucan.registry.imports.reading import open_sheet

    def registry(path: Path, data: bytes) -> object:
        sheet = open_sheet(data)
        try:
            return sum(1 for _ in sheet.rows())
        finally:
            sheet.close()

    return {
        "notice": lambda path, data: read_notice_file(path),
        "registry": registry,
        "organisations": lambda path, data: read_first_sheet(data),
        "photo": lambda path, data: process_photo(SimpleUploadedFile(path.name, data)),
        "attachment": lambda path, data: check_upload(
            SimpleUploadedFile(path.name, data),
            allowed=ATTACHMENT_TYPES,
            max_bytes=ATTACHMENT_MAX_BYTES,
        ),
    }


def _peak_kb() -> int:
    """This process's own peak resident set, in KB. Not ``ru_maxrss`` where /proc exists:
    Linux carries the parent's peak over into a child through exec, so a child of a big test
    process would report the parent's peak and hide its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(kind: str, path: Path) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")
    os.environ.setdefault("ZHUCAN_DEMO_MODE", "1")
    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")
    reader = _readers()[kind]
    data = path.read_bytes()
    baseline = _peak_kb()
    error = None
    try:
        reader(path, data)
    except Exception as exc:  # noqa: BLE001 - a refusal is a result here
        error = getattr(exc, "message", None) or str(exc)
    return {"peak_mb": round((_peak_kb() - baseline) / 1024, 1), "error": error}


def measure(kind: str, path: Path | str) -> tuple[float, str | None]:
    """(MB the peak rose by, the refusal's message or None) of handling ``path`` as ``kind``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhucan.settings",
        "ZHUCAN_DEMO_MODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zhucan.testing.upload_probe", kind, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the probe failed ({result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["peak_mb"], report["error"]


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], Path(sys.argv[2])), ensure_ascii=False))
