"""An uploaded sheet kept encrypted while its import is pending.

The workbook holds every ID number, phone and address of the sheet in clear (zipped, which
hides nothing): kept as it came, a database dump taken while an import waits would give them
all back. So it is stored sealed with the registry's field key (``crypto.encrypt``, bound to
its own field name) and opened only in memory for the dry run and the import. ``size`` and
``digest`` stay those of the clear file (the digest proves the bytes are the ones checked at
upload).

Uploads stored before sealing (a zip, "PK…") still open as they are; they expire with their
job.
"""

from __future__ import annotations

import base64

from zhucan.registry import crypto

FIELD = "registry_upload"
_ZIP = b"PK"


def seal(data: bytes) -> bytes:
    if not data:
        return b""
    text = base64.b64encode(data).decode("ascii")
    return crypto.encrypt(text, field=FIELD).encode("ascii")


def unseal(stored: bytes) -> bytes:
    if not stored or stored.startswith(_ZIP):
        return stored
    return base64.b64decode(crypto.decrypt(stored.decode("ascii"), field=FIELD))
