"""Reading an uploaded notice with the same safety checks as the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from zhucan.campaigns.notice_parser import read_notice_file


def read_uploaded_notice(upload: Any) -> str:
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return read_notice_file(handle.name)
