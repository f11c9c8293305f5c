"""Artifact folders written aside and renamed into place, with a sha256 manifest.

A reader either sees a complete artifact or none: content is written to a temporary
sibling folder, fsynced, and renamed atomically. A manifest records the sha256 of every
file so any later change on disk is detected before the artifact is trusted.

These helpers touch only plain files (no store), so both ``storage/`` (releases, model
bundles) and ``models/`` (the embedding model cache) build on them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textloop.errors import ConflictError, IntegrityError

MANIFEST = "manifest.json"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``final`` only if the block succeeds."""
    if final.exists():
        raise ConflictError(f"{final} already exists",
                            hint="artifacts are immutable; use a new name")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        _fsync_tree(tmp)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def write_manifest(folder: Path, extra: dict[str, Any] | None = None) -> str:
    """Hash every file under ``folder`` into ``manifest.json``; returns the manifest's sha256."""
    files = {
        str(p.relative_to(folder)): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST
    }
    body = {**(extra or {}), "files": files}
    path = folder / MANIFEST
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sha256_file(path)


def verify_manifest(folder: Path, expected_sha256: str | None = None) -> dict[str, Any]:
    """Check the manifest (against the catalog's hash when given) and every file it lists."""
    path = folder / MANIFEST
    if not path.is_file():
        raise IntegrityError(f"{folder}: no {MANIFEST}", hint="this is not a textloop artifact")
    if expected_sha256 and sha256_file(path) != expected_sha256:
        raise IntegrityError(f"{path} differs from the copy recorded in the store",
                             hint="the artifact was modified after it was written; re-create it")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    listed = manifest.get("files", {})
    for name, info in listed.items():
        file = folder / name
        if not file.is_file():
            raise IntegrityError(f"{folder}: {name} is missing", hint="re-create the artifact")
        if sha256_file(file) != info["sha256"]:
            raise IntegrityError(f"{file}: checksum mismatch (tampered or corrupted)",
                                 hint="re-create the artifact; never load modified files")
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    unexpected = sorted(present - set(listed) - {MANIFEST})
    if unexpected:
        raise IntegrityError(f"{folder}: unexpected files {', '.join(unexpected)}",
                             hint="remove files that were added after the artifact was written")
    return manifest


def write_text_atomic(path: Path, text: str) -> None:
    """Write beside ``path`` and rename, so readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
