"""The replica's lag is checked against the primary's WAL position: a replica cut off from its
primary has replayed all it received and calls itself 0 behind, for ever."""

from __future__ import annotations

import pytest
from django.db import connection

from zhucan.core import health
from zhucan.core.health import reconciled_lag


def test_a_replica_cut_off_from_a_primary_that_moved_on_is_as_far_behind_as_its_last_replay() -> (
    None
):
    lag = reconciled_lag(own_lag=0.0, replayed="0/3000000", since_replay=95.0, primary="0/3000A10")
    assert lag == 95.0


def test_a_replica_caught_up_with_an_idle_primary_is_not_behind() -> None:
    # Nothing written for an hour: the last replay is old, but there is nothing to replay.
    lag = reconciled_lag(
        own_lag=0.0, replayed="0/3000A10", since_replay=3600.0, primary="0/3000A10"
    )
    assert lag == 0.0


def test_a_replica_past_the_primarys_earlier_reading_is_not_behind() -> None:
    # The primary is read first; the replica, read a moment later, may have replayed more.
    lag = reconciled_lag(
        own_lag=0.0, replayed="1/00000010", since_replay=50.0, primary="0/FFFFFF00"
    )
    assert lag == 0.0


def test_the_replicas_own_lag_stands_when_it_knows_it_is_behind_or_the_primary_is_unread() -> None:
    assert reconciled_lag(own_lag=4.5, replayed="0/10", since_replay=4.5, primary="0/20") == 4.5
    assert reconciled_lag(own_lag=0.0, replayed="0/10", since_replay=80.0, primary=None) == 0.0


def test_a_replica_that_cannot_tell_and_has_never_replayed_is_unknown() -> None:
    assert reconciled_lag(own_lag=None, replayed="0/10", since_replay=None, primary="0/20") is None
    assert reconciled_lag(own_lag=0.0, replayed="0/10", since_replay=None, primary="0/20") is None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="WAL positions are PostgreSQL's")
def test_the_reading_compares_the_servers_own_positions() -> None:
    # The primary read as its own replica: not in recovery, at or past the position read first.
    reading = health.replica_reading("default")
    assert reading.lag_seconds == 0.0
    assert reading.replayed is not None and "/" in reading.replayed
