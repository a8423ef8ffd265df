"""The drill's own sums (deploy/drill/accounting.py): what counts as lost or doubled, how long
errors lasted around a fault, and the DRILL line. Pure functions: no server, no locust."""

from __future__ import annotations

import pytest

from deploy.drill.accounting import (
    Attempt,
    Fault,
    Request,
    drill_line,
    errors_by_fault,
    percentile,
    tally,
)


def test_an_accepted_report_missing_from_the_database_is_lost() -> None:
    attempts = [Attempt("a", 1.0, True), Attempt("b", 2.0, True)]
    outcome = tally(attempts, saved={"a": 1}, photos={"a": 1})
    assert outcome.lost == ["b"]
    assert outcome.accepted == 2
    assert outcome.duplicates == 0


def test_a_resend_after_a_failure_is_one_report_not_two() -> None:
    attempts = [Attempt("a", 1.0, False), Attempt("a", 2.0, False), Attempt("a", 3.5, True)]
    outcome = tally(attempts, saved={"a": 1}, photos={"a": 1})
    assert (outcome.accepted, outcome.lost, outcome.duplicates) == (1, [], 0)


def test_a_second_report_or_photo_for_one_token_is_a_duplicate() -> None:
    attempts = [Attempt("a", 1.0, True), Attempt("b", 1.0, True)]
    assert tally(attempts, saved={"a": 2, "b": 1}, photos={"a": 1, "b": 1}).duplicates == 1
    assert tally(attempts, saved={"a": 1, "b": 1}, photos={"a": 1, "b": 3}).duplicates == 2


def test_a_report_saved_whose_answer_never_arrived_is_neither_lost_nor_a_duplicate() -> None:
    # The connection broke after the commit: the phone never heard yes, the report is there.
    outcome = tally([Attempt("a", 1.0, False)], saved={"a": 1}, photos={"a": 1})
    assert (outcome.lost, outcome.duplicates, outcome.saved_unanswered) == ([], 0, 1)


def test_errors_belong_to_the_fault_in_whose_span_they_fall() -> None:
    faults = [Fault("app1", start=10.0, end=14.0), Fault("primary", start=40.0, end=45.0)]
    requests = [
        Request(5.0, "home", False, 1.0),  # before any fault: nobody's
        Request(11.0, "home", False, 1.0),
        Request(12.5, "submit", True, 1.0),
        Request(13.5, "submit", False, 1.0),
        Request(30.0, "home", False, 1.0),  # more than the settling time after app1
        Request(41.0, "dashboard", False, 1.0),
        Request(54.0, "dashboard", False, 1.0),
        Request(56.0, "dashboard", False, 1.0),  # settled: not the primary's
    ]
    app1, primary = errors_by_fault(requests, faults, settle_s=10.0)
    assert (app1.name, app1.errors, app1.window_s) == ("app1", 2, 2.5)
    assert dict(app1.failed_pages) == {"home": 1, "submit": 1}
    assert (primary.errors, primary.window_s) == (2, 13.0)


def test_a_fault_ends_where_the_next_begins() -> None:
    faults = [Fault("a", start=0.0, end=1.0), Fault("b", start=5.0, end=6.0)]
    requests = [Request(4.0, "x", False, 1.0), Request(5.5, "x", False, 1.0)]
    a, b = errors_by_fault(requests, faults, settle_s=60.0)
    assert (a.errors, b.errors) == (1, 1)


def test_a_fault_without_errors_has_no_window() -> None:
    (only,) = errors_by_fault([Request(1.0, "x", True, 1.0)], [Fault("a", 0.0, 2.0)], settle_s=5)
    assert (only.errors, only.window_s) == (0, 0.0)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.95) == 0.0


def test_the_drill_line_keeps_the_order_and_splits_on_spaces() -> None:
    line = drill_line(
        {"list_rps_ratio_vs_hello": 0.0871, "requests": 1200, "restore_s": 12.0, "note": "a b"}
    )
    assert line == "DRILL list_rps_ratio_vs_hello=0.087 requests=1200 restore_s=12 note=a_b"
    assert all("=" in part for part in line.split()[1:])


def test_the_drill_line_refuses_a_key_that_would_break_it() -> None:
    with pytest.raises(ValueError):
        drill_line({"two words": 1})
