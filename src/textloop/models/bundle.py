"""Model bundles: a fitted model as arrays + JSON, and back, with no pickle anywhere.

A bundle's JSON names the registered model (``textloop.model.tfidf-lr.v1``), its
hyper-parameters, the label order, the embedder id, the release it was trained on and the
resolved config. Rebuilding calls the model's ``from_state``; an unknown format version or
an unregistered model name is refused, never guessed.
"""

from __future__ import annotations

from typing import Any

from textloop import __version__
from textloop.errors import IntegrityError, NotFoundError
from textloop.models.tags import model_tags
from textloop.registry import REGISTRY
from textloop.types import BundleContents

FORMAT = "textloop.bundle"
FORMAT_VERSION = 1


def to_bundle(model: Any, model_name: str, context: dict[str, Any]) -> BundleContents:
    """Serialize a fitted model; ``context`` adds release id, run id, actions, config."""
    arrays, extra = model.export_state()
    meta = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "textloop_version": __version__,
        "model": model_name, "params": model.get_params(), "labels": list(model.classes_),
        "embedder": model_tags(model).embedder, "extra": extra, **context,
    }
    return BundleContents(arrays=arrays, meta=meta)


def from_bundle(contents: BundleContents, where: str) -> Any:
    """Rebuild the model a bundle describes; refuses unknown formats and models."""
    meta = contents.meta
    if meta.get("format") != FORMAT:
        raise IntegrityError(f"{where}: not a textloop model bundle",
                             hint="pass a run name or a folder written by `textloop train`")
    if meta.get("format_version") != FORMAT_VERSION:
        raise IntegrityError(f"{where}: bundle format version {meta.get('format_version')} is "
                             f"not supported (this textloop reads {FORMAT_VERSION})",
                             hint="upgrade textloop or retrain the model")
    try:
        _, cls = REGISTRY.resolve("model", str(meta.get("model")))
    except NotFoundError as exc:
        raise IntegrityError(f"{where}: unknown model {meta.get('model')!r}",
                             hint="the bundle comes from a newer or modified textloop") from exc
    try:
        return cls.from_state(meta["params"], contents.arrays, meta.get("extra", {}),
                              meta["labels"])
    except (KeyError, TypeError, ValueError) as exc:
        raise IntegrityError(f"{where}: bundle is incomplete or inconsistent ({exc})",
                             hint="retrain the model") from exc
