"""``manage.py parse_notice``: output formats; exit code 2 and a Chinese message for bad input."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from .test_notice_parser import SEED, docx_from_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n'
    + "".join(
        f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("parse_notice", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# -- output -------------------------------------------------------------------------------------


def test_json_output_of_the_seed() -> None:
    data = json.loads(run(str(SEED), "--format", "json"))
    assert data["issuer"] == "平顶山市人民政府残疾人工作委员会"
    assert data["doc_number"] == "平残工委〔2020〕2号"
    assert data["title"] == "平顶山市人民政府残疾人工作委员会关于开展第三十次全国助残日活动的通知"
    assert data["recipients"] == [
        "各县（市、区）人民政府残疾人工作委员会",
        "市政府残工委各成员单位",
    ]
    assert data["campaign"] == {
        "name": "全国助残日",
        "edition": 30,
        "date": "2020-05-17",
        "since": None,
    }
    assert data["theme"] == "助残脱贫 决胜小康"
    assert len(data["duties"]) == 8
    assert set(data["duties"][0]) == {"number", "text", "departments"}
    assert data["duties"][1]["departments"] == ["民政", "残联", "住房城乡建设", "扶贫办"]
    assert data["slogans"][0] == "决战脱贫攻坚 决胜全面小康"
    assert data["contacts"] == [
        {"name": "高秋法", "phone": "2690909", "email": "pdscanlian@163.com"}
    ]
    assert data["deadlines"] == []
    assert data["issue_date"] is None


def test_json_dates_and_deadlines_of_a_notice_that_has_them() -> None:
    path = SEED.parent / "yexian_2021.txt"
    data = json.loads(run(str(path), "--format", "json"))
    assert data["deadlines"] == [
        {"what": "活动方案", "date": "2021-05-10"},
        {"what": "活动总结", "date": "2021-05-25"},
    ]
    assert data["issue_date"] == "2021-04-26"
    assert data["campaign"]["date"] == "2021-05-16"


def test_text_output_is_the_default() -> None:
    output = run(str(SEED))
    assert "发文字号：平残工委〔2020〕2号" in output
    assert "活动主题：助残脱贫 决胜小康" in output
    assert "【民政、残联、住房城乡建设、扶贫办】" in output
    assert "[未找到] 成文日期" in output


def test_docx_input(tmp_path: Path) -> None:
    path = docx_from_text(SEED.read_text(encoding="utf-8"), tmp_path / "seed.docx")
    assert json.loads(run(str(path), "--format", "json"))["doc_number"] == "平残工委〔2020〕2号"


# -- bad input ----------------------------------------------------------------------------------


def _zip_bomb(path: Path) -> None:
    """200 MB of zeros, deflated while streaming so nothing large is held in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (4 * 1024 * 1024)
            for _ in range(50):
                member.write(chunk)


def _ratio_bomb(path: Path) -> None:
    """Under the 20 MB cap, but a 15 MB member from a few KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (15 * 1024 * 1024))


def _entity_bomb(path: Path) -> None:
    source = docx_from_text("正文", path.with_suffix(".base.docx"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as archive:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                data = BILLION_LAUGHS.encode()
            archive.writestr(item, data)


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "你好")


def _write(content: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(content)


POEM = "静夜思\n李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n".encode()
BAD_INPUTS: list[tuple[str, Callable[[Path], object] | None, str]] = [
    ("missing.txt", None, "找不到文件"),
    ("empty.txt", _write(b""), "文件是空的"),
    ("poem.txt", _write(POEM), "不是一份通知"),
    ("garbage.txt", _write(random.Random(7).randbytes(4096)), "不是文本文件"),
    ("random.docx", _write(random.Random(8).randbytes(4096)), "不是有效的 .docx 文件"),
    ("bomb.docx", _zip_bomb, "压缩炸弹"),
    ("ratio.docx", _ratio_bomb, "压缩比异常"),
    ("laughs.docx", _entity_bomb, "XML 实体"),
    ("nodoc.docx", _zip_without_document, "缺少正文"),
    ("notice.pdf", _write(b"%PDF-1.4\n"), "不支持的文件类型"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_with_2_and_a_chinese_message(
    tmp_path: Path, name: str, make: Callable[[Path], object] | None, message: str
) -> None:
    path = tmp_path / name
    if make is not None:
        make(path)
    with pytest.raises(CommandError) as caught:
        run(str(path))
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_real_process_exit_code_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(random.Random(7).randbytes(4096))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "DJANGO_SETTINGS_MODULE": "zhucan.settings"}
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "parse_notice", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "不是文本文件" in result.stderr
    assert result.stdout == ""
