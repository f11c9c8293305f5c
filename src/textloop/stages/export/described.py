"""``dataset.yaml`` of an export: the release's description, with the export's own files.

A release made since ``dataset.yaml`` exists carries one; an older release is described
from its manifest and card (label guidelines, sources and the cleaning state were not
recorded then, so they are left empty rather than guessed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from textloop import __version__
from textloop.artifacts import MANIFEST, sha256_file
from textloop.stages.release import ReleaseData
from textloop.stages.release.card import CardFacts
from textloop.stages.release.dataset_yaml import (
    DATASET_YAML,
    read_dataset_yaml,
    release_description,
)
from textloop.stages.release.writer import CARD
from textloop.tasks.lookup import get_task

_NOT_RECORDED: dict[str, Any] = {"cleaning": None, "findings": {}, "excluded_records": 0}


def export_description(data: ReleaseData, fmt: str, files: Mapping[str, str]) -> dict[str, Any]:
    """What ``dataset.yaml`` states about an export of ``data`` in ``fmt`` whose split files
    are ``files`` (split -> path in the export folder); its ``files`` hashes are added when
    it is written."""
    body = (read_dataset_yaml(data.path) if (data.path / DATASET_YAML).is_file()
            else _from_manifest(data))
    body.pop("files", None)
    task = get_task(body["task"])
    writer = task.export_formats[fmt]
    features = list(body["features"])
    if writer.startswith("table-"):
        features = [{**f, "type": "string"} if f["type"] == "spans" else f for f in features]
        if writer == "table-tfrecord" and any(f["type"] == "class_label" for f in features):
            at = next(i for i, f in enumerate(features) if f["name"] == "label") + 1
            features.insert(at, {"name": "label_id", "type": "int64", "role": "label_id"})
    splits = {name: ({**entry, "files": [files[name]]} if name in files else dict(entry))
              for name, entry in body["splits"].items()}
    return {**body, "features": features, "splits": splits,
            "export": {"format": fmt,
                       "release_manifest_sha256": sha256_file(data.path / MANIFEST)}}


def _from_manifest(data: ReleaseData) -> dict[str, Any]:
    """A description of a release made before ``dataset.yaml``, from what it recorded."""
    manifest = data.manifest
    card = (data.path / CARD).read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("\n---\n", 1)[0].removeprefix("---\n")) or {}
    synthetic = manifest.get("synthetic") or {}
    facts = CardFacts(
        release_id=data.id, name=str(front.get("pretty_name") or data.id), description="",
        license=str(front.get("license") or "unknown"), labels=list(data.labels),
        label_descriptions={}, label_counts=manifest.get("label_counts", {}),
        split_rows=dict(manifest.get("counts", {})), split_bytes={},
        features=front.get("dataset_info", {}).get("features", []), sources=[],
        seed=int(manifest.get("seed", 0)), fractions=dict(manifest.get("fractions", {})),
        group_field=manifest.get("group_field"), changes="", message="",
        created_at=float(manifest.get("created_at", 0.0)), target=manifest.get("target"),
        synthetic=synthetic if synthetic.get("rows") else None,
        agreement=manifest.get("agreement"))
    return release_description(facts, task=manifest.get("task") or "classification",
                               parent=data.parent, cleaning=_NOT_RECORDED,
                               textloop_version=__version__)
