"""Store transactions: rollback on error, snapshot reads, and a clear error when busy."""

from __future__ import annotations

import pytest

from textloop.errors import StorageError
from textloop.storage import Store, imports
from textloop.storage.engine import (
    BUSY_TIMEOUT_ENV,
    CACHE_ENV,
    busy_timeout_s,
    cache_mib,
    make_engine,
)


def start_import(conn) -> int:
    return imports.start(conn, "f.csv", "file", None, {})


def test_a_failed_write_block_rolls_back(store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        start_import(conn)
        raise RuntimeError("boom")
    with store.read() as conn:
        assert imports.count(conn) == 0


def test_a_reader_sees_the_store_as_of_before_an_open_write(store, project) -> None:
    with store.write() as conn:
        start_import(conn)
        with Store.for_project(project) as other, other.read() as read:
            assert imports.count(read) == 0
    with store.read() as conn:
        assert imports.count(conn) == 1


def test_second_writer_gets_a_busy_error_after_its_timeout(store, project) -> None:
    with store.write() as conn:
        start_import(conn)
        with Store.for_project(project, busy_timeout=0.2) as other, \
                pytest.raises(StorageError, match="store is busy: another import") as info, \
                other.write() as conn2:
            start_import(conn2)
    assert BUSY_TIMEOUT_ENV in (info.value.hint or "")
    assert "waited 0.2s" in info.value.message
    with store.read() as conn:
        assert imports.count(conn) == 1


def test_busy_timeout_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "2.5")
    assert busy_timeout_s() == 2.5
    monkeypatch.delenv(BUSY_TIMEOUT_ENV)
    assert busy_timeout_s() == 60.0


@pytest.mark.parametrize("name", [BUSY_TIMEOUT_ENV, CACHE_ENV])
@pytest.mark.parametrize("value", ["soon", "-1"])
def test_bad_numbers_in_the_environment_are_config_errors(monkeypatch, name, value) -> None:
    from textloop.errors import ConfigError

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        busy_timeout_s() if name == BUSY_TIMEOUT_ENV else cache_mib()


def test_sqlite_settings_keep_durability(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "2")
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}", busy_timeout=1.5)
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "cache_size")
    with engine.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1,
                      "busy_timeout": 1500, "cache_size": -2048}


def test_a_bad_url_is_a_config_error() -> None:
    from textloop.errors import ConfigError

    with pytest.raises(ConfigError, match="not a database URL"):
        make_engine("not a url")
