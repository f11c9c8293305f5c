"""``dataset.yaml``: a machine-readable description of a release, or of an export of one.

The card (``README.md``) is written for people and for the Hugging Face Hub; ``dataset.yaml``
is for tools: name, version and parent, task, features and their types, label names with
their guideline text, split sizes and how they were made, sources and licenses, the
annotators' agreement and the cleaning state, the synthetic share per class, and the sha256
and size of every file beside it. Its schema is ``dataset_schema.json`` (JSON Schema, shown in
docs/publishing.md); a file is checked against it when written and when read back, so a
publisher never ships a description that a reader would refuse.

``files`` lists every file in the folder except ``dataset.yaml`` itself and
``manifest.json`` (which is written after it and hashes it), so ``verify_dataset_yaml`` proves
a downloaded copy is the one described without textloop's store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from textloop.artifacts import MANIFEST, sha256_file, write_text_atomic
from textloop.errors import IntegrityError, InvalidInputError, TextloopError
from textloop.stages.release.card import CardFacts
from textloop.stages.release.schema_check import check_schema, validate
from textloop.types import plain

DATASET_YAML = "dataset.yaml"
FORMAT = "textloop.dataset.v1"
SPLIT_METHOD = ("records pinned at import (textloop import --split) go to their split first, "
                "with their groups, and a held-out split holding pins takes no other new "
                "records; the rest is "
                "stratified by label (quantile bins of a numeric target; span label sets); "
                "near-identical texts and records sharing the group column stay in one split; "
                "records of the parent release keep their split; synthetic records go to "
                "train only")
_PROVENANCE = ("source_kind", "source_ref", "label_kind")
_ROLES = {"id": "id", "text": "text", "label": "label", "spans": "label", "label_id": "label_id"}
_TYPES = {"string": "string", "large_string": "string", "int64": "int64", "int32": "int64",
          "float64": "float64", "double": "float64", "float32": "float32", "float": "float32",
          "bool": "bool", "null": "null"}


@cache
def dataset_schema() -> dict[str, Any]:
    """The JSON Schema of ``dataset.yaml``, shipped in the package."""
    text = resources.files("textloop.stages.release").joinpath("dataset_schema.json")
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    check_schema(schema)
    return schema


def release_description(facts: CardFacts, *, task: str, parent: str | None,
                        cleaning: Mapping[str, Any], textloop_version: str,
                        source_licenses: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything ``dataset.yaml`` states about a release except its ``files``, from the
    facts its card is made of (so the two never disagree); ``source_licenses`` names the
    license recorded with each source's import (null where none was)."""
    licenses = source_licenses or {}
    synthetic = facts.synthetic or {}
    return plain({
        "format": FORMAT, "name": facts.name, "description": facts.description,
        "version": facts.release_id, "parent": parent, "task": task,
        "license": facts.license,
        "created_at": dt.datetime.fromtimestamp(facts.created_at, dt.UTC).isoformat(),
        "textloop_version": textloop_version,
        "features": features_from_hf(facts.features),
        "labels": [{"name": label, "guideline": facts.label_descriptions.get(label, "")}
                   for label in facts.labels],
        **({"target": facts.target} if facts.target is not None else {}),
        "splits": {name: {"rows": rows} for name, rows in facts.split_rows.items()},
        "splitting": {"seed": facts.seed, "fractions": facts.fractions,
                      "group_field": facts.group_field, "method": SPLIT_METHOD,
                      "pinned": facts.pinned},
        "sources": [{"name": name, "records": count, "license": licenses.get(name)}
                    for name, count in facts.sources],
        "agreement": facts.agreement or {"measured": False},
        "cleaning": dict(cleaning),
        "synthetic": {"rows": synthetic.get("rows", 0), "share": synthetic.get("share", 0.0),
                      "per_label": synthetic.get("per_label", {}),
                      "generators": synthetic.get("generators", {})},
    })


def features_from_hf(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The card's ``dataset_info.features`` as ``dataset.yaml`` types and roles."""
    out = []
    for feature in features:
        name, dtype = feature["name"], feature.get("dtype")
        entry: dict[str, Any] = {"name": name}
        if isinstance(dtype, dict) and "class_label" in dtype:
            names = dtype["class_label"]["names"]
            entry.update(type="class_label", names=[names[k] for k in sorted(names, key=int)])
        elif name == "spans" and "list" in feature:
            entry["type"] = "spans"
        else:
            entry["type"] = _TYPES.get(str(dtype), "other")
        entry["role"] = _ROLES.get(name, "provenance" if name in _PROVENANCE else "metadata")
        out.append(entry)
    return out


def file_hashes(folder: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file under ``folder`` but ``dataset.yaml`` and the manifest."""
    return {str(p.relative_to(folder)): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() not in (DATASET_YAML, MANIFEST)}


def write_dataset_yaml(folder: Path, description: Mapping[str, Any]) -> Path:
    """Write ``folder/dataset.yaml``: ``description`` plus the hashes of the folder's files.

    Call it once every data file is in place and before the manifest is written. The result
    is validated against the schema first; a description that breaks it is a bug in the
    caller, refused before anything is written.
    """
    body = {**plain(dict(description)), "files": file_hashes(folder)}
    problems = validate(body, dataset_schema())
    path = folder / DATASET_YAML
    if problems:
        raise TextloopError(f"{path}: the description breaks its schema: {'; '.join(problems)}",
                            hint="this is a bug in textloop; please report it with the message")
    write_text_atomic(path, yaml.safe_dump(body, sort_keys=False, allow_unicode=True,
                                           width=100))
    return path


def read_dataset_yaml(path: Path) -> dict[str, Any]:
    """Read and validate a ``dataset.yaml`` (a file, or the folder holding one)."""
    if path.is_dir():
        path = path / DATASET_YAML
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file",
                                hint="releases made by textloop 0.x before dataset.yaml existed "
                                     "have none; export the release to get one")
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError(f"{path}:{where} is not valid YAML ({exc})",
                                hint="restore the file; it is written by textloop") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: is not UTF-8 text",
                                hint="restore the file; it is written by textloop") from None
    problems = validate(body, dataset_schema())
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more"
                                             if len(problems) > 10 else "")
        raise InvalidInputError(f"{path}: does not match the dataset.yaml schema: {shown}",
                                hint="fix the named fields (docs/publishing.md shows the "
                                     "schema), or restore the file")
    return dict(body)


def verify_dataset_yaml(folder: Path) -> dict[str, Any]:
    """Read ``folder/dataset.yaml`` and check every file it lists against its sha256.

    Raises ``IntegrityError`` naming each missing or changed file; returns the description
    when all match. Files it does not list are not its business: a published copy gains a
    repository's ``.gitattributes`` or Kaggle's ``dataset-metadata.json`` (an export's and a
    release's manifests refuse unexpected files).
    """
    body = read_dataset_yaml(folder / DATASET_YAML)
    listed: dict[str, dict[str, Any]] = body["files"]
    missing = sorted(name for name in listed if not (folder / name).is_file())
    changed = sorted(name for name in set(listed) - set(missing)
                     if sha256_file(folder / name) != listed[name]["sha256"])
    problems = ([f"{name} is missing" for name in missing]
                + [f"{name}: sha256 mismatch (expected {listed[name]['sha256'][:12]}..., found "
                   f"{sha256_file(folder / name)[:12]}...)" for name in changed])
    if problems:
        raise IntegrityError(f"{folder}: files differ from {DATASET_YAML}: {'; '.join(problems)}",
                             hint="the copy was modified or is incomplete; fetch or export it "
                                  "again")
    return body
