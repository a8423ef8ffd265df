"""An uploaded sheet kept encrypted while its import is pending.

The workbook holds every ID number, phone and address of the sheet in clear (zipped, which
hides nothing): kept as it came, a database dump taken while an import waits would give them
all back. So it is stored sealed with the registry's current field key (``crypto.encrypt_bytes``,
AES-GCM with this purpose bound in, so the bytes of another kind of file do not open as a sheet)
and opened only in memory for the dry run and the import. ``size`` and ``digest`` stay those of
the clear file (the digest proves the bytes are the ones checked at upload). Sheets kept in clear
before this were sealed by migration ``registry.0007``.
"""

from __future__ import annotations

import psycopg
from django.db import connection
from django.utils.translation import gettext as _

from zhucan.registry import crypto
from zhucan.registry.imports.reading import UnreadableFileError
from zhucan.registry.models.imports import RegistryImport

SHEET_PURPOSE = "registry import sheet"


def seal(data: bytes) -> bytes:
    return crypto.encrypt_bytes(data, purpose=SHEET_PURPOSE)


def unseal(stored: bytes) -> bytes:
    """The clear workbook; ``UnreadableFileError`` when no configured key opens it (the key it
    was sealed with was dropped while the import waited), as for any file that cannot be read."""
    try:
        return crypto.decrypt_bytes(bytes(stored), purpose=SHEET_PURPOSE)
    except crypto.DecryptionError as error:
        raise UnreadableFileError(
            _("The uploaded file can no longer be read (its key is gone). Upload it again.")
        ) from error


def keep_sealed(job_id: int, sealed: bytes) -> None:
    """Store a job's sealed sheet, in the caller's transaction.

    On PostgreSQL the bytes go as one binary parameter: Django's cursors bind values into the
    statement's text, so a sheet of 100,000 people became 17 MB of escaped literal for the
    server to parse again (a fifth of the upload's time)."""
    table = RegistryImport._meta.db_table
    if connection.vendor != "postgresql":
        RegistryImport.objects.filter(pk=job_id).update(data=sealed)
        return
    quote = connection.ops.quote_name
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET data = %b WHERE id = %s",  # noqa: S608 - our table
            [sealed, job_id],
        )
