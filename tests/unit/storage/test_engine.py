"""The PostgreSQL engine's pool, set from the store URL, and how servers are named."""

from __future__ import annotations

import pytest

from textloop.errors import ConfigError
from textloop.storage.engine import PoolSettings, describe_server, make_engine

pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")
URL = "postgresql+psycopg://ana:secret@db.internal:5433/team"


def test_a_postgres_store_gets_a_team_sized_pool_that_pings_before_use() -> None:
    """No server is needed: the engine connects only when first used."""
    engine = make_engine(URL)
    pool = engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout, pool._recycle, pool._pre_ping) == (
        PoolSettings.pool_size, PoolSettings.max_overflow, PoolSettings.pool_timeout,
        PoolSettings.pool_recycle, True)
    assert PoolSettings.pool_size >= 5 and PoolSettings.max_overflow >= 5


def test_pool_options_in_the_url_set_the_pool_and_never_reach_the_driver() -> None:
    engine = make_engine(URL + "?pool_size=12&max_overflow=3&pool_recycle=600"
                               "&pool_timeout=2.5&pool_pre_ping=false&sslmode=require")
    pool = engine.pool
    assert (pool.size(), pool._max_overflow, pool._recycle, pool._timeout, pool._pre_ping) == (
        12, 3, 600.0, 2.5, False)
    assert dict(engine.url.query) == {"sslmode": "require"}  # the driver's own option stays


@pytest.mark.parametrize(("option", "named"), [
    ("pool_size=many", "pool_size='many' is not a number"),
    ("max_overflow=-1", "max_overflow='-1' is not a number"),
    ("pool_pre_ping=maybe", "pool_pre_ping='maybe' is not true or false")])
def test_a_bad_pool_option_is_refused_naming_it(option: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named) as refused:
        make_engine(f"{URL}?{option}")
    assert option.split("=")[0] in refused.value.hint


def test_servers_are_named_without_their_password() -> None:
    assert describe_server(URL) == "PostgreSQL server db.internal:5433, database team"
    assert describe_server("postgresql+psycopg://postgres@/p?host=/run/pg&port=5499") == (
        "PostgreSQL server /run/pg:5499, database p")
    assert "secret" not in describe_server(URL)
