"""Hostile uploads, small on disk and huge once unpacked, for the tests and ``make bench``.

A deflate stream is a sequence of blocks; after a full flush a block refers to nothing before
it, so the compressed form of one chunk can be repeated to stand for that chunk repeated. That
writes 1 GiB of zeros in a second, without holding or compressing 1 GiB. The zips are written
by hand so that a part can declare sizes and a checksum other than what it holds.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Deflated:
    data: bytes  # raw deflate stream
    size: int  # bytes it inflates to
    crc: int  # CRC-32 of those bytes


def _block(chunk: bytes, *, last: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(chunk) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
    )


def deflate_pieces(pieces: list[tuple[bytes, int]]) -> Deflated:
    """``(chunk, times)`` pieces in order, as one raw deflate stream."""
    out = io.BytesIO()
    size = crc = 0
    for chunk, times in pieces:
        block = _block(chunk, last=False)
        for _ in range(times):
            out.write(block)
            crc = zlib.crc32(chunk, crc)
        size += len(chunk) * times
    out.write(_block(b"", last=True))
    return Deflated(out.getvalue(), size, crc)


@dataclass(frozen=True)
class Member:
    name: str
    deflated: Deflated
    declared_size: int | None = None  # what the zip says it unpacks to (default: the truth)
    declared_crc: int | None = None


def member(name: str, content: bytes) -> Member:
    return Member(name, deflate_pieces([(content, 1)]))


def write_zip(members: list[Member]) -> bytes:
    """A zip whose directory says what each member declares (ZIP_DEFLATED, no zip64)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for item in members:
        name = item.name.encode()
        size = item.deflated.size if item.declared_size is None else item.declared_size
        crc = item.deflated.crc if item.declared_crc is None else item.declared_crc
        packed = len(item.deflated.data)
        offset = out.tell()
        fields = (20, 0, 8, 0, 0x21, crc, packed, min(size, 0xFFFFFFFF), len(name), 0)
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields) + name)
        out.write(item.deflated.data)
        central.write(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                *fields[:-1],
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    directory = central.getvalue()
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), out.tell(), 0
    )
    return out.getvalue() + directory + end


# --- Office files ------------------------------------------------------------------------------

_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    b'+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>关于开展第三十次全国助残日活动的通知</w:t></w:r></w:p>"
    "</w:body></w:document>"
).encode()


def docx(document: Member | None = None) -> bytes:
    """A minimal .docx; ``document`` replaces its word/document.xml."""
    return write_zip(
        [
            member("[Content_Types].xml", _DOCX_TYPES),
            member("_rels/.rels", _DOCX_RELS),
            document or member("word/document.xml", DOCX_DOCUMENT),
        ]
    )


def lying_docx(zeros_mib: int = 1024, claims: int = 1000) -> bytes:
    """A .docx whose document part claims ``claims`` bytes (with the checksum of that many
    zeros) and holds ``zeros_mib`` MiB of zeros: about 1 MB on disk for 1 GiB."""
    zeros = deflate_pieces([(bytes(MiB), zeros_mib)])
    return docx(
        Member(
            "word/document.xml",
            zeros,
            declared_size=claims,
            declared_crc=zlib.crc32(bytes(claims)),
        )
    )


_XLSX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    b'+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_XLSX_RELS = _DOCX_RELS.replace(b"word/document.xml", b"xl/workbook.xml")
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet_xml(rows: list[list[str]]) -> tuple[bytes, bytes]:
    """The sheet XML before and after the point where padding can go (inside sheetData)."""
    body = "".join(
        f'<row r="{n}">'
        + "".join(_cell(f"{chr(65 + i)}{n}", text) for i, text in enumerate(cells))
        + "</row>"
        for n, cells in enumerate(rows, start=1)
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}"
    )
    return head.encode(), b"</sheetData></worksheet>"


REGISTER_ROWS = [["姓名", "身份证号", "残疾类别"], ["张三", "410402198503120018", "肢体"]]


def padding_chunk(size: int = MiB, *, seed: int = 2026) -> bytes:
    """Whitespace with a sprinkling of tabs and newlines: it packs about 60:1, a ratio real
    sheets reach, so only the unpacked size can give it away."""
    rng = random.Random(seed)  # noqa: S311 - test data
    chunk = bytearray(b" " * size)
    for start in range(0, size - 160, 160):
        chunk[start + rng.randrange(150)] = rng.choice(b"\t\n\r")
    return bytes(chunk)


def xlsx(
    rows: list[list[str]] | None = None, *, padding_mib: int = 0, claims: int | None = None
) -> bytes:
    """A minimal .xlsx (inline strings, as some programs write them) whose sheet XML carries
    ``padding_mib`` MiB of whitespace between its rows; ``claims``: the size its zip directory
    gives for the sheet, if not the truth."""
    head, tail = _sheet_xml(rows or REGISTER_ROWS)
    pieces = [(head, 1)] + ([(padding_chunk(), padding_mib)] if padding_mib else []) + [(tail, 1)]
    return write_zip(
        [
            member("[Content_Types].xml", _XLSX_TYPES),
            member("_rels/.rels", _XLSX_RELS),
            member("xl/workbook.xml", _WORKBOOK),
            member("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            Member("xl/worksheets/sheet1.xml", deflate_pieces(pieces), declared_size=claims),
        ]
    )


# --- Pictures ---------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A real, valid red RGB PNG of ``width`` × ``height`` pixels, tiny on disk (the rows
    are compressed once and repeated). Not black: zeroed memory that is never written is not
    counted in the resident set, and the measure would flatter the reader."""
    row = b"\0" + b"\xc8\x1e\x1e" * width  # filter byte "none", then the pixels
    rows_per_piece = max(1, MiB // len(row))
    whole, rest = divmod(height, rows_per_piece)
    pieces = [(row * rows_per_piece, whole)] + ([(row * rest, 1)] if rest else [])
    stream = deflate_pieces(pieces)
    adler = 1
    for chunk, times in pieces:
        for _ in range(times):
            adler = zlib.adler32(chunk, adler)
    idat = b"\x78\xda" + stream.data + struct.pack(">I", adler)
    header = struct.pack(">2I5B", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
