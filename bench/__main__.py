"""Run every benchmark and end with one line: BENCH key=value …

Against PostgreSQL (``make bench`` points DATABASE_URL at the local server); each benchmark
works in a scratch database that it drops afterwards.
"""

from __future__ import annotations

import os
import sys

import django

# Each figure's bar: below it, except those in BARS_AT_LEAST, which must reach it.
BARS_BELOW = {
    "notice_parse_ms": 100,
    "notice_docx_ms": 1000,
    "notice_pdf_ms": 5000,
    "completeness_page_ms": 200,
    "registry_import_s": 30,
    # `make run` on a fresh clone: the whole demo city, on SQLite.
    "demo_load_s": 60,
    "registry_import_peak_mb": 500,
    "registry_import_sqlite_peak_mb": 500,
    # The whole import (upload, dry run, import) against calamine's bare read of the same file.
    "registry_import_ratio_vs_calamine": 10,
    "registry_import_ratio_vs_calamine_sqlite": 10,
    "registry_id_search_ms": 5,
    "registry_coverage_page_ms": 300,
    "dashboard_national_p95_ms": 40,
    # Counts kept as deliveries happen: the page reads a few rows and one page of recipients.
    "completeness_national_p95_ms": 300,
    "dashboard_ratio_vs_fullscan": 0.1,
    "export_peak_mb": 300,
    # No hostile upload of any kind may raise a worker's memory by 300 MB or more.
    "upload_docx_lying_1gib_peak_mb": 300,
    "upload_xlsx_padding_400mb_peak_mb": 300,
    "upload_xlsx_padding_400mb_lying_peak_mb": 300,
    "upload_xlsx_padding_inside_limits_peak_mb": 300,
    "upload_png_6300_peak_mb": 300,
    "upload_png_30000_peak_mb": 300,
    "upload_attachment_lying_zip_peak_mb": 300,
    "upload_attachment_png_30000_peak_mb": 300,
}
BARS_AT_LEAST = {
    "export_rows_per_s": 50_000,
    # A public page under a crowd, as a share of a hello-world view's rate on the same server.
    "public_page_ratio_vs_hello": 0.5,
    # The campaign list as a signed-in coordinator sees it, on the same kind of server.
    "signed_in_list_ratio_vs_hello": 0.1,
}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")
    os.environ.setdefault("ZHUCAN_DEMO_MODE", "1")
    django.setup()
    from bench import (
        completeness,
        demo_load,
        hostile_uploads,
        national,
        notices,
        public_pages,
        registry_coverage,
        registry_import,
        signed_in_list,
    )

    only = set(sys.argv[1:])
    figures: dict[str, float] = {}
    for name, module in (
        ("notices", notices),
        ("hostile_uploads", hostile_uploads),
        ("completeness", completeness),
        ("demo_load", demo_load),
        ("registry_import", registry_import),
        ("registry_coverage", registry_coverage),
        ("national", national),
        ("public_pages", public_pages),
        ("signed_in_list", signed_in_list),
    ):
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        result = module.run()
        for key, value in result.items():
            print(f"  {key}: {value}")
        figures.update(result)
    failed = [k for k, limit in BARS_BELOW.items() if k in figures and figures[k] >= limit]
    failed += [k for k, least in BARS_AT_LEAST.items() if k in figures and figures[k] < least]
    print("BENCH " + " ".join(f"{k}={v}" for k, v in figures.items()))
    if failed:
        print("Over the bar: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
