"""Run every benchmark and end with one line: BENCH key=value …"""

from __future__ import annotations

import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")
    os.environ.setdefault("ZHUCAN_DEMO_MODE", "1")
    django.setup()
    from bench import completeness, notices

    figures: dict[str, float] = {}
    for name, module in (("notices", notices), ("completeness", completeness)):
        print(f"== {name}", flush=True)
        result = module.run()
        for key, value in result.items():
            print(f"  {key}: {value}")
        figures.update(result)
    bars = {
        "notice_parse_ms": 100,
        "notice_docx_ms": 1000,
        "notice_pdf_ms": 5000,
        "completeness_page_ms": 200,
    }
    failed = [k for k, limit in bars.items() if figures[k] >= limit]
    print("BENCH " + " ".join(f"{k}={v}" for k, v in figures.items()))
    if failed:
        print("Over the bar: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
