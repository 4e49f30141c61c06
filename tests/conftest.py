"""Fixtures shared by every test folder."""

from __future__ import annotations

import itertools
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
