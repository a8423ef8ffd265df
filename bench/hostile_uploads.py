"""Hostile uploads: the peak memory of handling each (bar: no kind raises it by 300 MB).

Each file is small on disk and huge once unpacked or decoded (``zhucan/testing/hostile_files``):
a .docx notice whose document part claims 1,000 bytes and holds 1 GiB of zeros, registry
sheets of 400 MB padding (honest about it, and claiming 1,000 bytes), the largest sheet the
limits let through, PNGs of 6300² and 30000² pixels as a photo and as a notice attachment, and
the lying .docx as an attachment. Each is handled in a fresh process
(``zhucan/testing/upload_probe``), which reports how far its own peak resident set (VmHWM)
rose above what it held before the reader ran. The baseline is the same reader handling a
normal small file of the same kind in the same run (floored at 1 MB, so the ratio stays
readable when the small file costs nothing measurable).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path


def _cases() -> list[tuple[str, str, Callable[[], bytes], str, Callable[[], bytes]]]:
    """(figure, reader, hostile file, file name, normal small file of the same kind)."""
    from django.conf import settings

    from zhucan.testing import hostile_files as hostile

    inside = settings.UPLOAD_MAX_PART_BYTES // hostile.MiB - 1
    return [
        ("docx_lying_1gib", "notice", hostile.lying_docx, "notice.docx", hostile.docx),
        (
            "xlsx_padding_400mb",
            "registry",
            lambda: hostile.xlsx(padding_mib=381),
            "register.xlsx",
            hostile.xlsx,
        ),
        (
            "xlsx_padding_400mb_lying",
            "registry",
            lambda: hostile.xlsx(padding_mib=381, claims=1000),
            "register.xlsx",
            hostile.xlsx,
        ),
        (
            "xlsx_padding_inside_limits",
            "registry",
            lambda: hostile.xlsx(padding_mib=inside),
            "register.xlsx",
            hostile.xlsx,
        ),
        ("png_6300", "photo", lambda: hostile.png(6300, 6300), "photo.png", _small_png),
        ("png_30000", "photo", lambda: hostile.png(30000, 30000), "photo.png", _small_png),
        (
            "attachment_lying_zip",
            "attachment",
            hostile.lying_docx,
            "attachment.docx",
            hostile.docx,
        ),
        (
            "attachment_png_30000",
            "attachment",
            lambda: hostile.png(30000, 30000),
            "attachment.png",
            _small_png,
        ),
    ]


def _small_png() -> bytes:
    from zhucan.testing import hostile_files as hostile

    return hostile.png(800, 600)


def run() -> dict[str, float]:
    from zhucan.testing.upload_probe import measure

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="zhucan-bench-uploads-") as folder:
        for figure, kind, hostile_file, name, small_file in _cases():
            small = Path(folder) / f"small-{name}"
            small.write_bytes(small_file())
            base_mb, base_error = measure(kind, small)
            assert base_error is None, base_error
            path = Path(folder) / name
            path.write_bytes(hostile_file())
            peak_mb, error = measure(kind, path)
            print(
                f"  {figure}: {path.stat().st_size / 2**20:.2f} MB on disk, "
                f"+{peak_mb:.0f} MB ({error or 'accepted'})",
                flush=True,
            )
            figures[f"upload_{figure}_peak_mb"] = round(peak_mb)
            figures[f"upload_{figure}_ratio_vs_small"] = round(peak_mb / max(base_mb, 1.0), 1)
            path.unlink()
    return figures
