"""``actions:``: how a probability becomes an action (bands, score labels, band targets)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, field_validator, model_validator

from textloop.config.base import Strict


class BandTarget(Strict):
    """What a band must achieve on validation data, counting the band and every band above it.

    ``precision``: the lowest threshold whose rows are at least this precise (most volume).
    ``recall``: the highest threshold that still catches this share of positives (least
    volume). A positive is a row whose true label is a score label or, without score
    labels, a row the model predicts correctly.
    """

    precision: float | None = Field(None, gt=0.0, le=1.0)
    recall: float | None = Field(None, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _exactly_one(self) -> BandTarget:
        if (self.precision is None) == (self.recall is None):
            raise ValueError("a band target names exactly one of precision, recall "
                             "(e.g. {precision: 0.95})")
        return self


class Actions(Strict):
    """Action bands: the highest band whose threshold the score reaches wins.

    ``score_labels`` names the labels whose summed probability is the score (a spam filter:
    ``[spam]`` with bands ``block: 0.9, review: 0.5`` and default ``allow``). When empty, the
    score is the probability of the predicted label: confident predictions are acted on
    automatically, uncertain ones go to review, the rest to a person.
    """

    bands: dict[str, float] = Field(default_factory=lambda: {"auto": 0.9, "review": 0.5})
    default: str = "manual"
    score_labels: list[str] = Field(default_factory=list)
    targets: dict[str, BandTarget] = Field(default_factory=dict)
    """Band name -> target; ``textloop train`` then picks that band's threshold on validation
    data (see docs/thresholds.md) and the value under ``bands`` only orders the bands."""

    @classmethod
    def for_filter(cls, score_labels: list[str]) -> Actions:
        """The content-filter policy: block when surely bad, review when unsure, else allow."""
        return cls(bands={"block": 0.9, "review": 0.5}, default="allow", score_labels=score_labels)

    @field_validator("bands")
    @classmethod
    def _thresholds_are_probabilities(cls, value: dict[str, float]) -> dict[str, float]:
        for band, threshold in value.items():
            if not 0.0 <= threshold <= 1.0:
                raise ValueError(f"band {band!r} has threshold {threshold}; use a probability 0..1")
        return value

    @model_validator(mode="after")
    def _targets_name_bands(self) -> Actions:
        unknown = [name for name in self.targets if name not in self.bands]
        if unknown:
            raise ValueError(f"targets name bands that are not under bands: "
                             f"{', '.join(unknown)} (bands: {', '.join(self.bands)})")
        return self

    def positive_label(self, labels: Sequence[str]) -> str | None:
        """The positive class of a model over ``labels``; see ``positive_label``."""
        return positive_label(labels, self.score_labels)

    def score_of(self, probabilities: dict[str, float]) -> float:
        """The number the bands are compared with (see the class docstring)."""
        if self.score_labels:
            return float(sum(probabilities.get(label, 0.0) for label in self.score_labels))
        return float(max(probabilities.values(), default=0.0))

    def band_for(self, score: float) -> str:
        """Name of the band a score falls into (bands checked from the highest threshold)."""
        for band, threshold in sorted(self.bands.items(), key=lambda kv: -kv[1]):
            if score >= threshold:
                return band
        return self.default


def positive_label(labels: Sequence[str], score_labels: Sequence[str] = ()) -> str | None:
    """The one rule for which class is "positive" (headline AUCs, ROC/PR curves, the
    positive-class reliability diagram), so every number and figure means the same class.

    A single score label is the positive class: the bands threshold its probability, so a
    spam filter's AUC must be spam's, whatever order the labels are listed in. Without
    score labels a two-label project takes its second label (scikit-learn's convention for
    ``pos_label``); otherwise (several labels or several score labels) there is no single
    positive class and AUCs are averaged one-vs-rest (None).
    """
    names = [str(label) for label in labels]
    scored = [label for label in names if label in set(score_labels)]
    if len(scored) == 1:
        return scored[0]
    if not score_labels and len(names) == 2:
        return names[1]
    return None
