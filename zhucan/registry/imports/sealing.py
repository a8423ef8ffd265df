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

from django.utils.translation import gettext as _

from zhucan.registry import crypto
from zhucan.registry.imports.reading import UnreadableFileError

FIELD = "registry_upload"
_ZIP = b"PK"


def seal(data: bytes) -> bytes:
    if not data:
        return b""
    text = base64.b64encode(data).decode("ascii")
    return crypto.encrypt(text, field=FIELD).encode("ascii")


def unseal(stored: bytes) -> bytes:
    """The clear workbook; ``UnreadableFileError`` when no configured key opens it (the key it
    was sealed with was dropped while the import waited), as for any file that cannot be read."""
    if not stored or stored.startswith(_ZIP):
        return stored
    try:
        return base64.b64decode(crypto.decrypt(stored.decode("ascii"), field=FIELD))
    except (crypto.DecryptionError, UnicodeDecodeError) as error:
        raise UnreadableFileError(
            _("The uploaded file can no longer be opened here. Upload it again.")
        ) from error
