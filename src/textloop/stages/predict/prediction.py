"""``textloop predict``: label, calibrated probabilities and action band for new texts.

For a regression model: the predicted number (``value``, also in ``score``), nothing else.

The one function a CLI command or an HTTP route calls: probabilities go through the
calibrator saved in the bundle, and the band comes from the policy saved there (thresholds
fitted at training time), so a model behaves the same wherever it is served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textloop.config import Actions
from textloop.errors import ConflictError, InvalidInputError
from textloop.models.tags import model_tags
from textloop.stages.runs.loading import LoadedRun, load_run
from textloop.storage import Store


@dataclass
class Prediction:
    text: str
    label: str
    probabilities: dict[str, float]
    score: float
    band: str
    model: str
    calibrated: bool = False
    value: float | None = None  # a regressor's prediction (then label is empty, no bands)

    def to_dict(self) -> dict[str, Any]:
        """One text's answer as ``textloop predict --json`` prints it: a regressor's number,
        or a classifier's label, score, band and (calibrated) probabilities."""
        if self.value is not None:
            return {"text": self.text, "value": self.value, "model": self.model}
        return {"text": self.text, "label": self.label, "score": self.score, "band": self.band,
                "probabilities": self.probabilities, "calibrated": self.calibrated,
                "model": self.model}


def predict(store: Store, run_ref: str, texts: Sequence[str]) -> list[Prediction]:
    """Predict with a run's bundle: its calibrator, then the band policy saved with it."""
    if not texts or any(not t.strip() for t in texts):
        raise InvalidInputError("every text must be non-empty", hint='e.g. textloop predict '
                                'latest "win a free phone now"')
    loaded = load_run(store, run_ref)
    if model_tags(loaded.model).task == "spans":
        raise ConflictError(f"run {loaded.run['name']} is a span model: it answers with spans",
                            hint="predict a file with --input FILE --output FILE (a spans "
                                 "column per row), or serve it and POST /v1/extract")
    return predictions_from(loaded, texts)


def predictions_from(loaded: LoadedRun, texts: Sequence[str]) -> list[Prediction]:
    """``predict`` with a run already loaded (the server loads once, predicts many times)."""
    if loaded.is_regressor:
        values = loaded.served(list(texts))
        return [Prediction(text=text, label="", probabilities={}, score=float(value), band="",
                           model=loaded.run["name"], value=float(value))
                for text, value in zip(texts, values, strict=True)]
    actions = Actions.model_validate(loaded.meta.get("actions") or {})
    proba = loaded.calibrated(loaded.model.predict_proba(list(texts)))
    labels = [str(c) for c in loaded.model.classes_]
    out = []
    for text, row in zip(texts, proba, strict=True):
        probs = {label: float(p) for label, p in zip(labels, row, strict=True)}
        score = actions.score_of(probs)
        out.append(Prediction(text=text, label=labels[int(row.argmax())], probabilities=probs,
                              score=score, band=actions.band_for(score),
                              model=loaded.run["name"],
                              calibrated=loaded.calibration is not None))
    return out
