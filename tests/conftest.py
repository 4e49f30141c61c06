"""Fixtures shared by every test folder."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests import pg

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.PgCluster]:
    if not pg.available():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = pg.PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: pg.PgCluster) -> str:
    """A fresh, empty database on the session's throwaway cluster."""
    return pg_cluster.create_database(f"t{next(_names)}")


# --- under CI, a skipped test fails the run ---------------------------------------------
# .ci/run installs PostgreSQL, docker-compose (and, later, Chromium): a test that skips
# there verified nothing, so CI=true turns every skip into a failed run, with the reasons.

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get("CI") == "true":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped:
        terminalreporter.section("skipped under CI=true (each one fails the run)")
        for line in _skipped:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
