"""Unpacking an untrusted Office file (.xlsx, .docx) without letting it exhaust memory.

Every uploaded Office file goes through here: the registry and organisation imports, activity
reports, notices and notice attachments. Nothing in the zip directory is trusted. Its sizes
only allow an early refusal (a part that admits to being huge is not read at all); after that
each part is inflated in small steps and the bytes actually produced are counted, and reading
stops as soon as one part, or all parts together, pass their limit, or a big part unpacks to
more than ``max_ratio`` times its packed size. Python's zipfile would otherwise inflate a whole
member before cutting it to its declared size: a 1 MB .docx whose document part claims 1,000
bytes and holds 1 GiB of zeros took a worker to 2 GB.

XML parts may not carry a document type declaration: ``<!DOCTYPE`` and ``<!ENTITY`` are how
entity-expansion attacks ("billion laughs") start, and no office program writes either.
"""

from __future__ import annotations

import enum
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import IO

from django.conf import settings

CHUNK = 64 * 1024
MB = 1024 * 1024
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# What ``SafeZip.repacked`` writes: the signatures of a local header, a directory entry and
# the directory's end; version 2.0 (deflate); 1 January 1980, the first date a zip can hold;
# the flag that says a name is UTF-8.
_LOCAL, _CENTRAL, _END = 0x04034B50, 0x02014B50, 0x06054B50
_VERSION = 20
_DOS_1980 = (0 << 9) | (1 << 5) | 1
_UTF8_NAME = 0x800


class ZipProblem(enum.Enum):
    NOT_ZIP = "not_zip"  # not a zip at all, or a zip that cannot be opened
    TOO_BIG = "too_big"  # too many parts, a part or the whole too big
    RATIO = "ratio"  # a big part that unpacks to more than max_ratio times its packed size
    DAMAGED = "damaged"  # a bad CRC, a part shorter or longer than it claims, encrypted
    DOCTYPE = "doctype"  # an XML part with a DOCTYPE or ENTITY declaration
    UTF16 = "utf16"  # an XML part in UTF-16 (office programs write UTF-8)


class UnsafeZipError(Exception):
    """The zip was refused; each reader turns ``problem`` into its own message."""

    def __init__(self, problem: ZipProblem, part: str = "") -> None:
        super().__init__(f"{problem.value}: {part}" if part else problem.value)
        self.problem = problem
        self.part = part


@dataclass(frozen=True)
class ZipLimits:
    max_parts: int
    max_part_bytes: int  # inflated bytes of any one part
    max_total_bytes: int  # inflated bytes of all parts read
    max_ratio: int  # what a big part may unpack to, times its packed size
    ratio_from_bytes: int = MB  # small parts (styles, themes) may compress better

    def at_most(self, *, part_bytes: int, total_bytes: int) -> ZipLimits:
        """These limits, tightened (never loosened) for a reader that needs less."""
        return replace(
            self,
            max_part_bytes=min(self.max_part_bytes, part_bytes),
            max_total_bytes=min(self.max_total_bytes, total_bytes),
        )


def upload_limits() -> ZipLimits:
    """The limits from the settings (``ZHUCAN_UPLOAD_*``): the largest any reader allows."""
    return ZipLimits(
        max_parts=settings.UPLOAD_MAX_PARTS,
        max_part_bytes=settings.UPLOAD_MAX_PART_BYTES,
        max_total_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
        max_ratio=settings.UPLOAD_MAX_RATIO,
    )


def check_xml(content: bytes | bytearray, part: str = "") -> None:
    """Refuse a DOCTYPE or ENTITY declaration, and UTF-16 (so that byte scans see the text)."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in content[:64]:
        raise UnsafeZipError(ZipProblem.UTF16, part)
    if any(marker in content for marker in _FORBIDDEN_XML):
        raise UnsafeZipError(ZipProblem.DOCTYPE, part)


class SafeZip:
    """An Office zip whose parts are only ever read within ``limits``.

    ``with SafeZip(data, limits=...) as package: package.read("xl/workbook.xml")``
    """

    def __init__(self, source: bytes | IO[bytes], *, limits: ZipLimits) -> None:
        self.limits = limits
        self._inflated = 0
        self._sound: set[str] = set()  # parts inflated whole, to their size and checksum
        stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
        self._stream = stream
        try:
            self._archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise UnsafeZipError(ZipProblem.NOT_ZIP) from None
        self.infos = [info for info in self._archive.infolist() if not info.is_dir()]
        self.names = {info.filename for info in self.infos}
        try:
            if len(self.infos) > limits.max_parts or len(self.names) != len(self.infos):
                # A part named twice: readers may disagree on which one counts.
                raise UnsafeZipError(ZipProblem.TOO_BIG)
            # What the directory admits to is enough to refuse; it is never enough to accept.
            if any(info.file_size > limits.max_part_bytes for info in self.infos):
                raise UnsafeZipError(ZipProblem.TOO_BIG)
            if sum(info.file_size for info in self.infos) > limits.max_total_bytes:
                raise UnsafeZipError(ZipProblem.TOO_BIG)
            for info in self.infos:
                if info.file_size > max(
                    limits.ratio_from_bytes, limits.max_ratio * info.compress_size
                ):
                    raise UnsafeZipError(ZipProblem.RATIO, info.filename)
        except UnsafeZipError:
            self._archive.close()
            raise

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    @property
    def inflated(self) -> int:
        """Bytes inflated so far, over every part read."""
        return self._inflated

    def _inflate(self, info: zipfile.ZipInfo, sink: Callable[[bytes], object] | None) -> None:
        """Inflate one part with zlib ourselves, CHUNK bytes at a time, to the end of its
        compressed data: zipfile would stop at the declared size and call a part whose
        checksum is forged for that size sound, though it unpacks to gigabytes (which another
        program, opening the same file later, would inflate). The part must then be exactly
        the size, and have the checksum, the directory says."""
        limit = min(self.limits.max_part_bytes, self.limits.max_total_bytes - self._inflated)
        by_ratio = max(self.limits.ratio_from_bytes, self.limits.max_ratio * info.compress_size)
        count = crc = 0
        try:
            for piece in self._pieces(info):
                count += len(piece)
                if count > limit:
                    raise UnsafeZipError(ZipProblem.TOO_BIG, info.filename)
                if count > by_ratio:
                    raise UnsafeZipError(ZipProblem.RATIO, info.filename)
                crc = zlib.crc32(piece, crc)
                if sink is not None:
                    sink(piece)
        except (zlib.error, OSError, EOFError, ValueError, struct.error):
            raise UnsafeZipError(ZipProblem.DAMAGED, info.filename) from None
        finally:
            self._inflated += count
        if count != info.file_size or crc != info.CRC:
            raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)
        self._sound.add(info.filename)

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        """Where the part's compressed bytes start, from its local header."""
        self._stream.seek(info.header_offset)
        header = self._stream.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)
        flags, method = struct.unpack("<HH", header[6:10])
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        if flags & 0x1 or method != info.compress_type or method not in _METHODS:
            # Encrypted (a password-protected file), or a method no office program uses, or
            # a local header that disagrees with the directory.
            raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)
        start: int = info.header_offset + 30 + name_length + extra_length
        return start

    def _pieces(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's inflated bytes, at most CHUNK at a time."""
        offset = self._data_offset(info)
        self._stream.seek(offset)
        method = info.compress_type
        left = info.compress_size
        if method == zipfile.ZIP_STORED:
            while left:
                piece = self._stream.read(min(CHUNK, left))
                if not piece:
                    raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)
                left -= len(piece)
                yield piece
            return
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data and left:
                data = self._stream.read(min(CHUNK, left))
                if not data:
                    raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)
                left -= len(data)
            # max_length: never more than CHUNK bytes out of one call, however small the input.
            piece = inflater.decompress(data, CHUNK)
            if not piece and not data:
                raise UnsafeZipError(ZipProblem.DAMAGED, info.filename)  # ends too early
            if piece:
                yield piece

    def read(self, name: str) -> bytearray:
        """One part, inflated within the limits; XML parts are checked (``check_xml``)."""
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            raise UnsafeZipError(ZipProblem.NOT_ZIP, name) from None
        content = bytearray()
        self._inflate(info, content.extend)
        if name.endswith((".xml", ".rels")):
            check_xml(content, name)
        return content

    def parts(self) -> Iterator[tuple[str, bytearray]]:
        """Every part in order, one at a time, so that a caller holds one part at once."""
        for info in self.infos:
            yield info.filename, self.read(info.filename)

    def repacked(self, replaced: dict[str, bytes] | None = None) -> bytes:
        """A new zip of every part, once each has been read (``parts``): the same compressed
        bytes, each proven by its reading to inflate to exactly the bytes that were checked,
        under headers and a directory written here from what was proven. What ``repack`` gives,
        without compressing a sheet of 40 MB again (a sixth of an upload's checks).

        ``replaced``: parts whose content the caller gives instead (made from what was checked,
        e.g. a sheet cut to its outline: ``xlsx_outline``), stored uncompressed."""
        if any(info.filename not in self._sound for info in self.infos):
            raise ValueError("every part must be read before the zip is repacked")
        replaced = replaced or {}
        out = io.BytesIO()
        directory = io.BytesIO()
        for info in self.infos:
            method, crc, size = info.compress_type, info.CRC, info.file_size
            if info.filename in replaced:
                body = replaced[info.filename]
                method, crc, size = zipfile.ZIP_STORED, zlib.crc32(body), len(body)
            else:
                self._stream.seek(self._data_offset(info))
                body = self._stream.read(info.compress_size)
            name = info.filename.encode()
            flags = 0 if info.filename.isascii() else _UTF8_NAME
            fields = (
                _VERSION,
                flags,
                method,
                0,  # time 00:00
                _DOS_1980,
                crc,
                len(body),
                size,
                len(name),
                0,  # no extra field
            )
            directory.write(
                struct.pack("<IH", _CENTRAL, _VERSION)
                + struct.pack("<HHHHHIIIHH", *fields)
                + struct.pack("<HHHII", 0, 0, 0, 0, out.tell())
                + name
            )
            out.write(struct.pack("<I", _LOCAL) + struct.pack("<HHHHHIIIHH", *fields) + name)
            out.write(body)
        start, entries = out.tell(), len(self.infos)
        out.write(directory.getvalue())
        out.write(
            struct.pack("<IHHHHIIH", _END, 0, 0, entries, entries, out.tell() - start, start, 0)
        )
        return out.getvalue()

    def drain(self) -> None:
        """Inflate every part and throw the bytes away: proves the whole file is within the
        limits and undamaged, holding no more than one chunk."""
        for info in self.infos:
            self._inflate(info, None)


def repack(parts: Iterator[tuple[str, bytes | bytearray]]) -> bytes:
    """A new zip of exactly these parts, lightly compressed: the reader that comes next sees
    only bytes that were checked, and a part of padding costs little memory on its way there."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts:
            archive.writestr(name, content)
            del content  # not held while the next part is unpacked
    return buffer.getvalue()
