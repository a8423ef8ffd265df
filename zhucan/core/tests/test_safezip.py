"""The one bounded unpacker behind every uploaded Office file: it counts what it inflates and
believes nothing the zip directory says."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from zhucan.core.safezip import SafeZip, UnsafeZipError, ZipLimits, ZipProblem
from zhucan.testing import hostile_files as hostile

MiB = hostile.MiB
LIMITS = ZipLimits(max_parts=10, max_part_bytes=8 * MiB, max_total_bytes=12 * MiB, max_ratio=200)


def _problem(data: bytes, name: str = "word/document.xml") -> ZipProblem:
    with pytest.raises(UnsafeZipError) as caught, SafeZip(data, limits=LIMITS) as package:
        package.read(name)
    return caught.value.problem


def test_a_sound_docx_reads_back_exactly() -> None:
    with SafeZip(hostile.docx(), limits=LIMITS) as package:
        assert bytes(package.read("word/document.xml")) == hostile.DOCX_DOCUMENT
        assert package.inflated == len(hostile.DOCX_DOCUMENT)


def test_a_part_forged_to_look_small_is_counted_not_believed() -> None:
    """Size and checksum forged for its first 1,000 bytes: zipfile stops there and calls the
    part sound; the reader goes on to the end of the deflate stream and stops at the limit."""
    data = hostile.lying_docx(zeros_mib=64)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("word/document.xml") == bytes(1000)  # what zipfile believes
    assert _problem(data) is ZipProblem.TOO_BIG


def test_a_part_longer_than_it_says_but_within_the_limits_is_damaged() -> None:
    padding = hostile.deflate_pieces([(hostile.padding_chunk(), 2)])
    first = hostile.padding_chunk()[:1000]
    data = hostile.docx(
        hostile.Member(
            "word/document.xml", padding, declared_size=1000, declared_crc=zlib.crc32(first)
        )
    )
    assert _problem(data) is ZipProblem.DAMAGED


def test_a_part_that_admits_to_being_huge_is_refused_without_inflating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = hostile.docx(
        hostile.Member(
            "word/document.xml", hostile.deflate_pieces([(b"<w/>", 1)]), declared_size=3 * 2**30
        )
    )
    monkeypatch.setattr(SafeZip, "_inflate", lambda *args: pytest.fail("inflated"))
    with pytest.raises(UnsafeZipError) as caught:
        SafeZip(data, limits=LIMITS)
    assert caught.value.problem is ZipProblem.TOO_BIG


def test_all_parts_together_are_bounded_too() -> None:
    """Two honest parts of 4 MiB, then one that claims 1,000 bytes and holds 6 MiB: it is
    stopped where the total passes 12 MiB, before its end could show that it lied."""
    honest = hostile.deflate_pieces([(hostile.padding_chunk(), 4)])
    liar = hostile.deflate_pieces([(hostile.padding_chunk(), 6)])
    data = hostile.write_zip(
        [
            hostile.Member("a.bin", honest),
            hostile.Member("b.bin", honest),
            hostile.Member("c.bin", liar, declared_size=1000),
        ]
    )
    with pytest.raises(UnsafeZipError) as caught, SafeZip(data, limits=LIMITS) as package:
        package.drain()
    assert caught.value.problem is ZipProblem.TOO_BIG
    assert caught.value.part == "c.bin"
    assert package.inflated <= LIMITS.max_total_bytes + 64 * 1024


def test_a_ratio_no_document_has_is_refused() -> None:
    spaces = hostile.deflate_pieces([(b" " * MiB, 5)])  # about 1000:1
    assert _problem(hostile.docx(hostile.Member("word/document.xml", spaces))) is ZipProblem.RATIO


def test_a_doctype_is_refused() -> None:
    document = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><w:document/>'
    data = hostile.docx(hostile.member("word/document.xml", document))
    assert _problem(data) is ZipProblem.DOCTYPE


def test_a_part_named_twice_is_refused() -> None:
    part = hostile.member("word/document.xml", b"<w/>")
    with pytest.raises(UnsafeZipError):
        SafeZip(hostile.write_zip([part, part]), limits=LIMITS)


def test_an_encrypted_part_is_damaged() -> None:
    data = bytearray(hostile.docx())
    data[6] |= 1  # the first local header's "encrypted" flag
    with pytest.raises(UnsafeZipError) as caught, SafeZip(bytes(data), limits=LIMITS) as package:
        package.drain()
    assert caught.value.problem is ZipProblem.DAMAGED


def test_not_a_zip() -> None:
    with pytest.raises(UnsafeZipError) as caught:
        SafeZip(b"PK\x03\x04 not really", limits=LIMITS)
    assert caught.value.problem is ZipProblem.NOT_ZIP


def _stream_written_zip(parts: dict[str, bytes]) -> bytes:
    """A zip written to a stream that cannot seek: zipfile then puts each part's sizes in a
    data descriptor after its bytes, which the repacked zip does not copy."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = io.BytesIO()

        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            return self.buffer.write(bytes(data))  # type: ignore[call-overload]

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return stream.buffer.getvalue()


def test_the_repacked_zip_holds_the_parts_read_under_a_directory_of_its_own() -> None:
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/worksheets/sheet1.xml": b"<sheetData>" + b"<row/>" * 10_000 + b"</sheetData>",
        "xl/media/图片.xml": b"<x/>",
    }
    data = _stream_written_zip(parts)
    with SafeZip(data, limits=LIMITS) as package:
        read = {name: bytes(content) for name, content in package.parts()}
        repacked = package.repacked()
    assert read == parts
    with zipfile.ZipFile(io.BytesIO(repacked)) as archive:
        assert archive.testzip() is None
        assert {info.filename: archive.read(info) for info in archive.infolist()} == parts
        # The compressed bytes that were proven, not compressed again.
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED
        assert sheet.compress_size < sheet.file_size // 10


def test_a_zip_is_repacked_only_once_every_part_has_been_read() -> None:
    with SafeZip(hostile.docx(), limits=LIMITS) as package:
        package.read("word/document.xml")
        with pytest.raises(ValueError, match="every part"):
            package.repacked()
