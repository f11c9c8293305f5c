"""Files out of registry wheels: pinned hashes, reuse without network, clear failures."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from textloop import wheels
from textloop.artifacts import sha256_file
from textloop.errors import ExternalServiceError, IntegrityError, NotFoundError


def make_wheel(folder: Path, name: str = "demo_pkg-1.0-py3-none-any.whl") -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("demo_pkg/data/file.txt", "hello")
    return path


def test_read_member_and_missing_member(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path)
    assert wheels.read_member(wheel, "demo_pkg/data/file.txt") == b"hello"
    with pytest.raises(NotFoundError, match="no member"):
        wheels.read_member(wheel, "demo_pkg/other.txt")


def test_corrupt_wheel(tmp_path: Path) -> None:
    bad = tmp_path / "x.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(IntegrityError, match="not a valid wheel"):
        wheels.read_member(bad, "a")


def test_cached_wheel_with_right_hash_is_reused_without_pip(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    wheel = make_wheel(tmp_path)
    monkeypatch.setattr(wheels, "_pip_download", lambda *a: pytest.fail("pip must not run"))
    assert wheels.fetch_wheel("demo-pkg==1.0", sha256_file(wheel), tmp_path) == wheel


def test_hash_mismatch_is_refused(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path)
    with pytest.raises(IntegrityError, match="does not match the pinned"):
        wheels.verify_sha256(wheel, "0" * 64)


def test_pip_failure_becomes_external_service_error(tmp_path: Path) -> None:
    with pytest.raises(ExternalServiceError) as info:
        wheels.fetch_wheel("textloop-no-such-package-xyz==0.0.1", "0" * 64, tmp_path)
    assert "pip download --no-deps" in (info.value.hint or "")


def test_cache_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTLOOP_CACHE_DIR", str(tmp_path / "c"))
    assert wheels.cache_dir("models") == tmp_path / "c" / "models"
    assert (tmp_path / "c" / "models").is_dir()
