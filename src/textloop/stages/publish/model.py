"""``textloop publish model``: a registered model version in a form that runs without textloop.

A version whose model is a linear head over an ONNX sentence encoder (``embed-lr``) is
published as files anyone can load with onnxruntime and tokenizers:

- ``model.onnx`` and ``tokenizer.json``: the encoder's graph and tokenizer, the very files
  the version's vectors came from;
- ``config.json``: the labels, the head (``coef``, ``intercept``), the calibrator
  (temperature scaling, or none), the action bands, and the ONNX Runtime settings the
  encoder runs with (exact integer products, the disabled fusion) so the numbers match;
- ``README.md``: the version's model card (metrics, slices, intended use, limits, the
  training release), with the license and a section on loading it;
- ``predict.py``: that loading code, runnable as ``python predict.py FOLDER "text"``.

Other models (TF-IDF, MLP, fine-tuned encoders, span models) are refused with the reason:
their features are not an ONNX graph yet. The gate for a model is the license; the data it
was trained on is not published with it.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from textloop.config import Project
from textloop.errors import ConflictError, NotFoundError
from textloop.models.embedders import get_embedder
from textloop.models.embedders.batching import open_tokenizer
from textloop.models.embedders.onnx_embedder import (
    DISABLED_OPTIMIZERS,
    EXACT_INTEGER_PRODUCTS,
    OnnxEmbedder,
)
from textloop.models.tags import model_tags
from textloop.stages.publish.gate import GateReport, license_check
from textloop.stages.publish.release import PublishResult
from textloop.stages.publish.staging import listing, split_front_matter, staging_folder
from textloop.stages.publish.targets import Target
from textloop.stages.runs.loading import LoadedRun, load_run
from textloop.storage import Store
from textloop.storage.model_versions import version_name
from textloop.storage.refs import resolve_version

HEAD_ARRAYS = {"coef", "intercept"}
PORTABLE_CALIBRATORS = {"textloop.calibration.temperature.v1", "textloop.calibration.none.v1"}
CARD = "README.md"
SNIPPET = "predict.py"


def publish_model(store: Store, project: Project, version: str, target: Target, *,
                  dry_run: bool = False) -> PublishResult:
    """Publish model version ``version`` (``m2``, an alias or its run) to ``target``; see
    the module docstring. ``dry_run`` lists the files and sends nothing."""
    with store.read() as conn:
        row = resolve_version(conn, version)
    name = version_name(row["version"])
    loaded = load_run(store, name)
    report = GateReport(license=project.spec.release.license)
    license_check(report)
    if not dry_run:
        report.raise_if_refused(f"model {name}")
    encoder = _portable_encoder(loaded, name)
    card = Path(row["card_path"]) if row.get("card_path") else None
    if card is None or not card.is_file():
        raise NotFoundError(f"model {name} has no model card ({card or 'never written'})",
                            hint=f"run `textloop evaluate {name}` to write it")
    with staging_folder() as folder:
        files = encoder.files()
        shutil.copyfile(files.model, folder / "model.onnx")
        shutil.copyfile(files.tokenizer, folder / "tokenizer.json")
        (folder / "config.json").write_text(
            json.dumps(_config(loaded, encoder), indent=1) + "\n", encoding="utf-8")
        snippet = resources.files("textloop.stages.publish").joinpath(
            "templates/predict.py.txt").read_text(encoding="utf-8")
        (folder / SNIPPET).write_text(snippet, encoding="utf-8")
        (folder / CARD).write_text(_card(card.read_text(encoding="utf-8"), name,
                                         report.license, row.get("release_id")),
                                   encoding="utf-8")
        target.prepare(folder, {"name": f"{project.spec.name} {name}",
                                "license": report.license, "release": name, "kind": "model"})
        result = PublishResult(f"model {name}", name, target.describe(), listing(folder),
                               dry_run, report)
        if dry_run:
            return result
        done = target.publish(folder, name, f"Model {name} of {project.spec.name}")
    result.location, result.already, result.commit = done.location, done.already, done.commit
    if done.already:
        result.notes.append(f"{name} is already published there; nothing was sent "
                            "(published versions are never replaced)")
    return result


def _portable_encoder(loaded: LoadedRun, name: str) -> OnnxEmbedder:
    """The ONNX encoder under the version's linear head, or a refusal saying why not."""
    model = loaded.meta.get("model", "?")
    embedder = model_tags(loaded.model).embedder
    arrays = set(loaded.model.export_state()[0])
    why = None
    encoder = get_embedder(embedder) if embedder is not None else None
    if encoder is None or arrays != HEAD_ARRAYS:
        why = "its model is not a linear head over sentence vectors"
    elif not isinstance(encoder, OnnxEmbedder) or (
            encoder.files().open_tokenizer is not open_tokenizer):
        why = f"its encoder {embedder} is not an ONNX graph with a tokenizers file"
    calibration = (loaded.meta.get("calibration") or {}).get("name")
    if why is None and calibration and calibration not in PORTABLE_CALIBRATORS:
        why = f"its calibrator {calibration} has no portable form (temperature scaling has)"
    if why is not None:
        raise ConflictError(
            f"model {name} ({model}) cannot be published to run without textloop: {why}",
            hint="publish a version of embed-lr (MiniLM or an added BERT/XLM-R folder) "
                 "calibrated with temperature scaling (the default)")
    assert isinstance(encoder, OnnxEmbedder)
    return encoder


def _config(loaded: LoadedRun, encoder: OnnxEmbedder) -> dict[str, Any]:
    head, _ = loaded.model.export_state()
    calibrator = loaded.calibration.calibrator if loaded.calibration is not None else None
    temperature = getattr(calibrator, "temperature_", None)
    actions = loaded.meta.get("actions") or {}
    return {
        "format": "textloop.portable.embed-linear.v1",
        "model": loaded.meta.get("model"), "run": loaded.run["name"],
        "release": loaded.run.get("release_id"), "encoder": encoder.model_id,
        "labels": [str(c) for c in loaded.model.classes_],
        "head": {"coef": head["coef"].tolist(), "intercept": head["intercept"].tolist()},
        "calibration": {"name": (loaded.meta.get("calibration") or {}).get("name"),
                        **({"temperature": temperature} if temperature else {})},
        "bands": {"bands": actions.get("bands", {}), "default": actions.get("default", ""),
                  "score_labels": actions.get("score_labels", [])},
        "session_config": dict([EXACT_INTEGER_PRODUCTS]),
        "disabled_optimizers": list(DISABLED_OPTIMIZERS),
    }


def _card(card: str, name: str, license: str, release_id: str | None) -> str:
    """The version's card with the license and how to load it without textloop."""
    head, body = split_front_matter(card)
    head["license"] = license

    loading = (
        "## Loading without textloop\n\n"
        "Needs `onnxruntime`, `tokenizers` and `numpy` only. `predict.py` in this folder "
        "reads `model.onnx` (the sentence encoder), `tokenizer.json` and `config.json` (the "
        "logistic-regression head, the calibrator and the action bands) and gives the "
        "probabilities `textloop predict` gives:\n\n"
        "```bash\npython predict.py . \"a text to classify\"\n```\n\n"
        "```python\nfrom predict import predict\n"
        "predict(\".\", [\"a text to classify\"])  # [{label, probabilities, score, band}]\n"
        "```\n")
    trained = f" Trained on release {release_id}." if release_id else ""
    return ("---\n" + yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100)
            + "---\n" + body.rstrip("\n") + f"\n\n## Publication\n\nModel version {name}, "
            f"published with `textloop publish model` under the license {license}.{trained}"
            "\n\n" + loading)
