"""Bundle folders on disk: ``bundle.json`` + ``arrays.npz`` + ``manifest.json``.

Arrays are loaded with ``allow_pickle=False`` and JSON with the standard parser, so a
hostile bundle cannot run code; the manifest (and the sha256 the store recorded for it)
detects any change after writing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from textloop.errors import IntegrityError
from textloop.storage.artifacts import atomic_dir, verify_manifest, write_manifest
from textloop.types import BundleContents

BUNDLE_JSON = "bundle.json"
ARRAYS = "arrays.npz"


def save_bundle(folder: Path, contents: BundleContents) -> str:
    """Write atomically; returns the manifest sha256 to record in the store."""
    with atomic_dir(folder) as tmp:
        np.savez(tmp / ARRAYS, **contents.arrays)  # type: ignore[arg-type]
        (tmp / BUNDLE_JSON).write_text(json.dumps(contents.meta, indent=2, sort_keys=True,
                                                  default=str), encoding="utf-8")
        return write_manifest(tmp, {"kind": "model-bundle"})


def load_bundle(folder: Path, expected_sha256: str | None = None) -> BundleContents:
    """Verify and read a bundle folder; any mismatch raises ``IntegrityError``."""
    verify_manifest(folder, expected_sha256)
    try:
        meta = json.loads((folder / BUNDLE_JSON).read_text(encoding="utf-8"))
        with np.load(folder / ARRAYS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError) as exc:
        raise IntegrityError(f"{folder}: unreadable bundle ({exc})",
                             hint="pickled or damaged files are refused; retrain the model"
                             ) from exc
    return BundleContents(arrays=arrays, meta=meta)
