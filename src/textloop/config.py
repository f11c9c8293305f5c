"""The project spec (``textloop.yaml``): typed, validated, and explained when wrong.

The spec is the single place where a team writes down its task: labels and their
descriptions (which double as the labeling guideline), which fields hold text and
metadata, the goal, and how probabilities turn into actions. Validation errors name the
key and say how to fix it, because this file is edited by hand.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from textloop.errors import ConfigError, NotFoundError
from textloop.texts import hidden_character, skeleton

SPEC_FILE = "textloop.yaml"
STORE_DIR = ".textloop"
DEFAULT_STORE_URL = f"sqlite:///{STORE_DIR}/textloop.db"
CLASSIFICATION_METRICS = ("accuracy", "macro_f1", "micro_f1", "weighted_f1", "macro_precision",
                          "macro_recall", "roc_auc", "pr_auc")
REGRESSION_METRICS = ("mae", "rmse", "r2", "spearman")
KNOWN_METRICS = CLASSIFICATION_METRICS + REGRESSION_METRICS
LOWER_IS_BETTER = frozenset({"mae", "rmse"})
CLASSIFICATION_LOSSES = ("cross_entropy", "hinge")
REGRESSION_LOSSES = ("mse", "mae", "huber")
# ',' and ';' separate labels on the command line (``init --labels``), so no name holds them
_LABEL_NAME = re.compile(r"^[^\s,;][^,;]*$")


class _Strict(BaseModel):
    """Unknown keys are errors: a typo in a hand-edited file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Label(_Strict):
    """A class: its name, its description (the labeling guideline) and, optionally, example
    texts that ``textloop synth`` shows a generator instead of picking seeds from the store."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seeds: list[str] = Field(default_factory=list)

    @field_validator("seeds")
    @classmethod
    def _seeds_are_texts(cls, value: list[str]) -> list[str]:
        blank = [i for i, text in enumerate(value) if not text.strip()]
        if blank:
            raise ValueError(f"seed {blank[0]} is empty: write an example text of the label")
        return value

    @field_validator("name")
    @classmethod
    def _name_ok(cls, value: str) -> str:
        if value != value.strip() or not _LABEL_NAME.match(value):
            raise ValueError("a label name must not contain commas or semicolons (they "
                             "separate labels in init --labels) or surrounding spaces")
        hidden = hidden_character(value)
        if hidden is not None:
            raise ValueError(f"a label name must not contain invisible or control characters "
                             f"(found {hidden})")
        return value


def look_alike_problem(name: str, others: Iterable[str]) -> str | None:
    """Why ``name`` cannot join labels ``others``: it looks like one of them, or None.

    'ѕраm' (Cyrillic letters), 'SPAM' or full-width 'ｓｐａｍ' next to 'spam' would split
    one class in two while every screen shows the same word. Checked where labels are
    added (``init --labels``, ``import --add-labels``), not when a spec is loaded, so an
    existing project keeps opening.
    """
    key = skeleton(name)
    other = next((o for o in others if o != name and skeleton(o) == key), None)
    if other is None:
        return None
    spelled = f" (written {name!a})" if not name.isascii() else ""
    return (f"label {name!r}{spelled} looks like the label {other!r}: they differ only in "
            "case, width or look-alike letters of another script")


class Goal(_Strict):
    """The metric a model must reach: ``value >= target``, or ``value <= target`` for the
    error metrics of a regression task (``mae``, ``rmse``), where lower is better."""

    metric: Literal[KNOWN_METRICS] = "macro_f1"  # type: ignore[valid-type]
    target: float = Field(0.9, ge=0.0)

    @model_validator(mode="after")
    def _target_in_range(self) -> Goal:
        if self.metric not in LOWER_IS_BETTER and self.target > 1.0:
            raise ValueError(f"goal.target {self.target} is above 1, the best {self.metric} "
                             "there is")
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.metric not in LOWER_IS_BETTER

    def met(self, value: float) -> bool:
        """Whether ``value`` of the goal metric reaches the target, in the metric's direction."""
        return value >= self.target if self.higher_is_better else value <= self.target


class Target(_Strict):
    """The numeric target of a regression task (e.g. a 1-5 rating): its name and the range
    a value must fall in (either bound may be left open)."""

    name: str = "score"
    description: str = ""
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"target.min ({self.min}) must be below target.max ({self.max})")
        return self

    def problem_with(self, value: float) -> str | None:
        """Why ``value`` is not an acceptable target (None when it is)."""
        if value != value or value in (float("inf"), float("-inf")):
            return "is not a finite number"
        if self.min is not None and value < self.min:
            return f"is below target.min ({self.min:g})"
        if self.max is not None and value > self.max:
            return f"is above target.max ({self.max:g})"
        return None


class BandTarget(_Strict):
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


class Actions(_Strict):
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


PII_KINDS = ("url", "email", "kr_rrn", "card", "ip", "kr_brn", "kr_phone", "phone")
"""Personal-data kinds ``textloop clean`` detects, in the priority order of overlaps: a
Korean number checked against its own rules is more specific than a generic phone or card."""


class PiiSettings(_Strict):
    """``clean.pii``: which personal-data kinds are the task's signal rather than a problem.

    A spam filter declares ``expected: [url]``: links are what spam is made of, so flagging
    every one as personal data would bury the findings that matter. Expected kinds are
    neither flagged by ``textloop clean`` nor replaced by ``--redact``.
    """

    expected: list[str] = Field(default_factory=list)

    @field_validator("expected")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [kind for kind in value if kind not in PII_KINDS]
        if unknown:
            raise ValueError(f"unknown personal-data kind {', '.join(map(repr, unknown))}: "
                             f"use some of {', '.join(PII_KINDS)}")
        return list(dict.fromkeys(value))


class CleanSettings(_Strict):
    """``clean:`` in textloop.yaml (the project's own cleaning choices)."""

    pii: PiiSettings = Field(default_factory=PiiSettings)


class CalibrationSettings(_Strict):
    """How ``textloop train`` calibrates probabilities on the validation split.

    ``method``: ``temperature`` (default: one parameter, keeps the predicted label),
    ``isotonic`` (more flexible, needs more validation rows per class) or ``none``.
    ``bins``: equal-width confidence bins for the expected calibration error.
    """

    method: str = Field("temperature", min_length=1)
    bins: int = Field(15, ge=2, le=100)


class ReleaseSettings(_Strict):
    seed: int = 13
    train: float = Field(0.8, gt=0.0, lt=1.0)
    validation: float = Field(0.1, ge=0.0, lt=1.0)
    test: float = Field(0.1, gt=0.0, lt=1.0)
    group_field: str | None = None
    license: str = "unknown"

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> ReleaseSettings:
        total = self.train + self.validation + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"train + validation + test must be 1.0 (got {total:g})")
        return self


PolicyStep = Literal["adjudicated", "majority", "dawid_skene"]
POLICY_STEPS: tuple[PolicyStep, ...] = ("adjudicated", "majority", "dawid_skene")


class LabelingSettings(_Strict):
    """How human labeling runs: overlap, the final-label policy, the queue and retraining.

    ``policy`` orders the sources of a record's final label among human answers:
    an adjudicator's decision, then a strict majority of annotators, then the Dawid-Skene
    estimate (which weighs annotators by their estimated accuracy) for ties.

    ``suggest_min_confidence``: the labeling page shows the model's suggestion (and makes
    ``Enter`` accept it) only when the model is at least this confident; a coin-flip guess
    offered as the default answer pulls annotators towards it.
    """

    overlap: int = Field(1, ge=1, le=10)
    policy: list[PolicyStep] = Field(default_factory=lambda: list(POLICY_STEPS))
    strategy: str = "default"
    batch: int = Field(50, ge=1, le=10_000)
    retrain_after: int = Field(10, ge=1)
    retrain_debounce_seconds: float = Field(5.0, ge=0.0)
    suggest_min_confidence: float = Field(0.7, ge=0.0, le=1.0)

    @field_validator("policy")
    @classmethod
    def _policy_nonempty_unique(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("policy needs at least one of adjudicated, majority, dawid_skene, "
                             "each at most once")
        return value


class TrainingSettings(_Strict):
    """How iterative models (``embed-mlp``) train: epochs, loss, and early stopping.

    ``monitor`` is watched after every epoch; training stops after ``patience`` epochs
    without an improvement larger than ``min_delta``, and ``restore_best`` puts back the
    best epoch's weights. ``mode: auto`` minimises losses and maximises other metrics.
    ``epochs`` and ``loss`` are defaults: ``--param epochs=...`` overrides them per run.
    Models that are not trained epoch by epoch (``tfidf-lr``, ``embed-lr``) ignore this.
    """

    epochs: int = Field(50, ge=1, le=10_000)
    loss: Literal[CLASSIFICATION_LOSSES + REGRESSION_LOSSES] = "cross_entropy"  # type: ignore[valid-type]
    monitor: Literal["val/loss", "val/macro_f1", "val/accuracy", "train/loss"] = "val/loss"
    mode: Literal["auto", "min", "max"] = "auto"
    patience: int = Field(5, ge=1, le=10_000)
    min_delta: float = Field(0.0, ge=0.0)
    restore_best: bool = True


class PromotionSettings(_Strict):
    """What ``textloop promote`` demands of a model version before it becomes champion.

    ``min_uplift``: the goal metric must beat the champion's, on the candidate's test release,
    by at least this much (0.0: not worse). ``max_slice_drop``: no slice in the evaluation
    metrics may lose more than this on the goal metric against the champion. ``max_ece``:
    the calibrated expected calibration error on test must not exceed this. ``max_latency_ms``:
    the 95th percentile of single-text predictions, timed on ``latency_texts`` test texts, must
    stay within this budget. A bound set to null is not checked. ``require_goal``: refuse a
    version whose test value of the goal metric misses ``goal.target``; either way, every
    promotion says whether the goal is met.
    """

    min_uplift: float = Field(0.0, ge=-1.0, le=1.0)
    max_slice_drop: float | None = Field(0.02, ge=0.0, le=1.0)
    max_ece: float | None = Field(0.1, ge=0.0, le=1.0)
    max_latency_ms: float | None = Field(None, gt=0.0)
    latency_texts: int = Field(50, ge=1, le=10_000)
    require_goal: bool = False


class ServingSettings(_Strict):
    """How ``textloop serve`` answers (docs/serving.md); command-line options override these.

    ``log_texts``: what the prediction log keeps of each text: ``full`` (the text), ``hash``
    (its SHA-256, which still links feedback to a stored record) or ``none``.
    ``require_key``: demand an API key even before any key exists (a server with keys always
    demands one). ``cors_origins``: browser origins allowed to call the API (none: CORS off).
    ``failed_auth_rate``: how many failed API key checks one client address may make
    (``COUNT/UNIT``; beyond it 429). ``allowed_hosts``: the ``Host`` names the server answers
    to (empty: loopback names on loopback, any name elsewhere).
    """

    alias: str = Field("champion", min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    workers: int = Field(1, ge=1, le=64)
    max_batch: int = Field(32, ge=1, le=1024)
    max_wait_ms: float = Field(5.0, ge=0.0, le=1000.0)
    max_texts: int = Field(64, ge=1, le=10_000)
    max_text_chars: int = Field(10_000, ge=1)
    max_body_bytes: int = Field(1_000_000, ge=1024)
    require_key: bool = False
    log_texts: Literal["full", "hash", "none"] = "full"
    log_queue: int = Field(10_000, ge=1)
    poll_seconds: float = Field(2.0, gt=0.0)
    cors_origins: list[str] = Field(default_factory=list)
    failed_auth_rate: str = "30/min"
    allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        """A name as a ``Host`` header carries it, without the port: anything else would
        never match, and the server would refuse every request without saying why."""
        for name in value:
            if not name.strip() or any(c in name for c in "/ @") or (
                    name.count(":") == 1 and not name.startswith("[")):
                raise ValueError(f"{name!r} is not a host name: write it as a Host header "
                                 "names it, without scheme, port or path (api.example.org, "
                                 "10.0.0.7, ::1, or * for any)")
        return value



DRIFT_DETECTORS = ("text-stats", "oov", "domain-classifier", "mmd", "label-psi",
                   "label-chi-square", "label-jensen-shannon", "confidence")


class MonitoringSettings(_Strict):
    """What ``textloop monitor`` compares and when it calls a difference drift (docs/monitoring.md).

    ``window``: the latest rows of the prediction log checked by default. ``reference_split``:
    the release split production is compared with (validation: the model's predictions there
    are held out, as production's are). ``false_alarm_rate``: the share of unchanged windows
    each check may flag (its calibrated threshold). ``max_reference``: rows of the reference
    sample the embedding detectors use. ``permutations``: shuffles of the pooled rows that
    calibrate each check (at least; raised to reach the check's share of the false-alarm
    rate). ``null_windows``: unchanged windows that calibrated domain-classifier.v1, kept so
    older files still load. ``min_rows``: fewer rows in a window or slice is "not enough
    data". ``max_ece``: the validation calibration error above which the label-free
    performance estimate is not trusted.
    ``max_performance_drop``: a drop of the estimated (or realized) accuracy below the
    reference by more than this is an alert.
    """

    window: int = Field(500, ge=10, le=1_000_000)
    reference_split: Literal["train", "validation", "test"] = "validation"
    false_alarm_rate: float = Field(0.05, gt=0.0, le=0.5)
    detectors: list[Literal[DRIFT_DETECTORS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(DRIFT_DETECTORS))
    max_reference: int = Field(1000, ge=50, le=100_000)
    null_windows: int = Field(50, ge=5, le=10_000)
    permutations: int = Field(199, ge=19, le=100_000)
    min_rows: int = Field(50, ge=5)
    max_ece: float = Field(0.05, ge=0.0, le=1.0)
    max_performance_drop: float = Field(0.05, ge=0.0, le=1.0)
    alert_rows: int = Field(10, ge=1, le=1000)
    neighbours: int = Field(3, ge=0, le=50)

ALERT_CHECKS = ("status", "text_stats", "oov", "domain_classifier", "mmd", "label_psi",
                "band_psi", "label_chi_square", "band_chi_square", "label_jensen_shannon",
                "band_jensen_shannon", "confidence", "performance")


class AlertRule(_Strict):
    """An alert rule: after ``textloop monitor`` stores a report, a check whose ``metric``
    compares with ``threshold`` by ``op`` fires a log line and, with ``webhook``, a JSON POST
    (docs/monitoring.md, "Alerts").

    ``check`` ``status`` is 1 when the report's status is drift, else 0 (``metric`` unused).
    ``slice``: which rows of the check (``all``, or a slice value such as ``length=<40``).
    ``window``: the fewest rows the check must have been computed on; smaller windows are
    too noisy to page anyone.
    """

    name: str = Field(min_length=1, max_length=100)
    check: Literal[ALERT_CHECKS]  # type: ignore[valid-type]
    metric: Literal["score", "p_value"] = "score"
    op: Literal[">", "<"] = ">"
    threshold: float
    window: int = Field(0, ge=0)
    slice: str = "all"
    webhook: str | None = Field(None, pattern=r"^https?://")


class Rule(_Strict):
    """A weak labeling rule: votes ``label`` when it matches, abstains otherwise.

    Exactly one of ``keywords`` (any of them, as whole words), ``regex`` (Python syntax,
    searched anywhere) or ``function`` (``module:callable`` importable from the project
    folder, returning a label or None) says when it matches.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    keywords: list[str] = Field(default_factory=list)
    regex: str | None = None
    function: str | None = None
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _one_matcher(self) -> Rule:
        given = [n for n, v in (("keywords", self.keywords), ("regex", self.regex),
                                ("function", self.function)) if v]
        if len(given) != 1:
            raise ValueError(f"rule {self.name!r} needs exactly one of keywords, regex, function "
                             f"(found {', '.join(given) or 'none'})")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"rule {self.name!r}: invalid regex ({exc})") from None
        if self.function is not None and ":" not in self.function:
            raise ValueError(f"rule {self.name!r}: function must look like module:callable")
        return self


SLICE_KINDS = ("field", "length", "source", "keywords", "regex")
_KIND_OPTIONS = {"unit": ("length",), "max_values": ("field", "source"),
                 "values": ("field", "source"), "case_sensitive": ("keywords", "regex")}


class Slice(_Strict):
    """A named part of the data whose metrics are reported on their own (docs/evaluation.md).

    Exactly one of: ``field`` (a metadata field: one slice per value, the ``max_values`` most
    frequent kept and the rest lumped as ``other``, or exactly the listed ``values``),
    ``length`` (bucket edges in ``unit`` chars or words), ``source`` (the record's provenance:
    ``kind`` file/crawl/synthetic/production, ``ref`` the file or URL, or ``label_kind``) or a
    rule, ``keywords`` (whole words) or ``regex``, splitting rows into matching and not.
    Slices with fewer than ``min_rows`` rows are reported but flagged as too small to trust.
    """

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    field: str | None = Field(None, min_length=1)
    length: list[int] | None = None
    source: Literal["kind", "ref", "label_kind"] | None = None
    keywords: list[str] | None = None
    regex: str | None = None
    unit: Literal["chars", "words"] | None = None
    max_values: int | None = Field(None, ge=1, le=1000)
    values: list[str] | None = None
    case_sensitive: bool | None = None
    min_rows: int = Field(20, ge=1)

    @property
    def kind(self) -> str:
        return next(kind for kind in SLICE_KINDS if getattr(self, kind) is not None)

    @model_validator(mode="after")
    def _one_kind(self) -> Slice:
        given = [kind for kind in SLICE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"slice {self.name!r} sets {' and '.join(given) or 'no kind'}: "
                             f"use exactly one of {', '.join(SLICE_KINDS)}")
        for option, kinds in _KIND_OPTIONS.items():
            if getattr(self, option) is not None and given[0] not in kinds:
                raise ValueError(f"slice {self.name!r}: {option} applies to a "
                                 f"{' or '.join(kinds)} slice, not a {given[0]} slice")
        _check_slice_rule(self)
        return self


def _check_slice_rule(spec: Slice) -> None:
    """Length edges increase, keyword lists are not empty, a regex compiles."""
    if spec.length is not None:
        edges = spec.length
        if not any(e > 0 for e in edges) or min(edges) < 0 or edges != sorted(set(edges)):
            raise ValueError(f"slice {spec.name!r}: length needs increasing edges >= 0 with "
                             f"at least one above 0 (e.g. [0, 50, 200]), found {edges}")
    if spec.keywords is not None and not any(k.strip() for k in spec.keywords):
        raise ValueError(f"slice {spec.name!r}: keywords lists no word")
    if spec.regex is not None:
        try:
            re.compile(spec.regex)
        except re.error as exc:
            raise ValueError(f"slice {spec.name!r}: invalid regex ({exc})") from None


class Fairness(_Strict):
    """Per-group metrics over a sensitive metadata field, with the demographic-parity and
    equalized-odds differences. Without ``positive_label`` every label is taken in turn as
    the positive one (one-vs-rest) and the largest difference is reported."""

    field: str = Field(min_length=1)
    positive_label: str | None = None
    max_groups: int = Field(10, ge=2, le=1000)
    min_rows: int = Field(20, ge=1)


class SynthGate(_Strict):
    """The quality gate's thresholds (docs/synthetic.md); a value left out keeps the gate's
    default. ``tau``: the least probability of its own label a scorer must give a candidate.
    ``near_dup_jaccard`` / ``near_dup_cosine``: above these a candidate is a near-copy of a
    real record (or of another candidate). ``seed_margin``: how far below its seed's
    probability an edit of a seed the scorer misreads may fall."""

    min_chars: int | None = Field(None, ge=1)
    max_chars: int | None = Field(None, ge=1)
    tau: float | None = Field(None, ge=0.0, le=1.0)
    seed_margin: float | None = Field(None, ge=0.0, le=1.0)
    near_dup_jaccard: float | None = Field(None, gt=0.0, le=1.0)
    near_dup_cosine: float | None = Field(None, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _lengths_ordered(self) -> SynthGate:
        if (self.min_chars is not None and self.max_chars is not None
                and self.min_chars > self.max_chars):
            raise ValueError(f"gate.min_chars ({self.min_chars}) is above gate.max_chars "
                             f"({self.max_chars})")
        return self

    def given(self) -> dict[str, Any]:
        """Only the thresholds set in textloop.yaml."""
        return self.model_dump(exclude_none=True)


class SynthEvaluation(_Strict):
    """How ``textloop synth --evaluate`` judges a batch: the model is trained ``seeds`` times
    with and without the batch on the same release and scored on its real test split; the
    batch is accepted only when no class loses more than ``max_class_f1_loss`` F1 and the
    macro-F1 rises by at least ``min_macro_f1_delta`` (medians over seeds). Its default,
    0.005 (half a point), asks a batch to help rather than merely not hurt: a median over
    five seeds of paired deltas is rarely positive by chance, while exact ties (+0.000) are
    common, since a batch often moves no prediction of a small split. 0 accepts batches that
    do no harm. ``model``: the model trained (default: the champion's, else tfidf-lr).

    ``evidence``: what the rule reads. ``test``: the test split's deltas; ``cross-fit``:
    out-of-fold predictions of every real row of the release (stages/synthesize/cross_fit.py);
    ``auto`` (default): the test split when every class has at least ``min_test_rows`` rows
    there, else cross-fitting, since a class with one or two test rows cannot show a small
    effect. The test split's deltas are reported either way."""

    seeds: int = Field(5, ge=1, le=50)
    evidence: Literal["auto", "test", "cross-fit"] = "auto"
    min_test_rows: int = Field(20, ge=1, le=100_000)
    max_class_f1_loss: float = Field(0.01, ge=0.0, le=1.0)
    min_macro_f1_delta: float = Field(0.005, ge=-1.0, le=1.0)
    model: str | None = Field(None, min_length=1)


class SynthSettings(_Strict):
    """What ``textloop synth`` makes (docs/synthetic.md).

    ``generator``: a generator's short or full name (unset: ``synonym`` for an English
    project, ``typo`` for any other, since WordNet is English); ``options`` are passed to it as they
    are (``base_url``, ``model``, ``api_key_env``, ``temperature``...). ``per_class``: texts
    asked for per target class; ``classes``: how many target classes are picked (the lowest
    per-class F1 of the champion, else the rarest labels). ``seeds_per_class``: real examples
    shown per class. ``template``: the prompt template version, for generators that prompt.
    ``judge``: score candidates with the LLM judge (its ``options`` in ``judge_options``)
    instead of a classifier.
    """

    generator: str | None = Field(None, min_length=1)
    """None: the project's language decides (``synonym`` for English, ``typo`` otherwise)."""
    options: dict[str, Any] = Field(default_factory=dict)
    per_class: int = Field(50, ge=1, le=100_000)
    classes: int = Field(3, ge=1, le=1000)
    seeds_per_class: int = Field(8, ge=1, le=200)
    template: str | None = Field(None, min_length=1)
    seed: int = 0
    judge: bool = False
    judge_options: dict[str, Any] = Field(default_factory=dict)
    gate: SynthGate = Field(default_factory=SynthGate)
    evaluate: SynthEvaluation = Field(default_factory=SynthEvaluation)


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class ProjectSpec(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    task: Literal["classification", "multilabel", "regression"] = "classification"
    target: Target = Field(default_factory=Target)
    text_field: str = "text"
    # BCP 47 tag of the texts (ko, ja, en-GB, und-Latn, mul); recorded at the first import
    # when unset, and chosen featurizers follow it (see docs/languages.md)
    language: str | None = None
    metadata_fields: list[str] = Field(default_factory=list)
    labels: list[Label]
    goal: Goal = Field(default_factory=Goal)
    actions: Actions = Field(default_factory=Actions)
    calibration: CalibrationSettings = Field(default_factory=CalibrationSettings)
    release: ReleaseSettings = Field(default_factory=ReleaseSettings)
    labeling: LabelingSettings = Field(default_factory=LabelingSettings)
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    rules: list[Rule] = Field(default_factory=list)
    promotion: PromotionSettings = Field(default_factory=PromotionSettings)
    serving: ServingSettings = Field(default_factory=ServingSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    alerts: list[AlertRule] = Field(default_factory=list)
    slices: list[Slice] = Field(default_factory=list)
    fairness: list[Fairness] = Field(default_factory=list)
    synth: SynthSettings = Field(default_factory=SynthSettings)
    clean: CleanSettings = Field(default_factory=CleanSettings)
    store: str = DEFAULT_STORE_URL

    @field_validator("language")
    @classmethod
    def _language_is_a_tag(cls, value: str | None) -> str | None:
        if value is not None and not _LANGUAGE_TAG.fullmatch(value):
            raise ValueError("not a BCP 47 language tag: use a code such as ko, ja, en or "
                             "ko-KR (see docs/languages.md)")
        return value

    @field_validator("fairness", mode="before")
    @classmethod
    def _one_fairness_or_a_list(cls, value: Any) -> Any:
        """``fairness: {field: ...}`` is the common case; a list declares several fields."""
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="before")
    @classmethod
    def _regression_defaults(cls, data: Any) -> Any:
        """A regression task needs no labels; its goal and loss default to ``r2 >= 0.5`` and
        ``mse``."""
        if not isinstance(data, dict) or data.get("task") != "regression":
            return data
        data = {"labels": [], **data, "goal": data.get("goal") or {"metric": "r2", "target": 0.5}}
        training = data.get("training")
        if isinstance(training, BaseModel):  # re-validated on assignment: already settled
            return data
        training = dict(training or {})
        training.setdefault("loss", "mse")
        return {**data, "training": training}

    @model_validator(mode="after")
    def _task_consistent(self) -> ProjectSpec:
        regression = self.task == "regression"
        metrics, losses = ((REGRESSION_METRICS, REGRESSION_LOSSES) if regression
                           else (CLASSIFICATION_METRICS, CLASSIFICATION_LOSSES))
        if self.goal.metric not in metrics:
            raise ValueError(f"goal.metric {self.goal.metric!r} does not fit a {self.task} task: "
                             f"use one of {', '.join(metrics)}")
        if self.training.loss not in losses:
            raise ValueError(f"training.loss {self.training.loss!r} does not fit a {self.task} "
                             f"task: use one of {', '.join(losses)}")
        if regression and self.labels:
            raise ValueError("a regression task has no labels: remove the labels list and "
                             "describe the number under target")
        return self

    @model_validator(mode="after")
    def _labels_unique_and_known(self) -> ProjectSpec:
        names = [label.name for label in self.labels]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"labels are listed twice: {', '.join(dupes)}")
        unknown = [n for n in self.actions.score_labels if n not in names]
        if unknown:
            raise ValueError(f"actions.score_labels names unknown labels: {', '.join(unknown)}")
        bad_rules = [f"rules.{i}.label ({r.name!r} votes {r.label!r})"
                     for i, r in enumerate(self.rules) if r.label not in names]
        if bad_rules:
            raise ValueError(f"unknown label in {'; '.join(bad_rules)}: use one of "
                             f"{', '.join(names)} or add the label under labels")
        rule_names = [r.name for r in self.rules]
        if len(set(rule_names)) != len(rule_names):
            raise ValueError("rule names must be unique")
        _check_analysis(self, names)
        return self

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]


def _check_analysis(spec: ProjectSpec, label_names: list[str]) -> None:
    """Slice names are unique; slices and fairness name declared fields and known labels."""
    slice_names = [s.name for s in spec.slices]
    dupes = sorted({n for n in slice_names if slice_names.count(n) > 1})
    if dupes:
        raise ValueError(f"slice names must be unique: {', '.join(dupes)} is listed twice")
    fields = [(f"slices.{i}.field", s.field) for i, s in enumerate(spec.slices) if s.field]
    fairness_fields = [f.field for f in spec.fairness]
    if len(set(fairness_fields)) != len(fairness_fields):
        raise ValueError("fairness lists a field twice: declare each field once")
    fields += [(f"fairness.{i}.field", f.field) for i, f in enumerate(spec.fairness)]
    declared = spec.metadata_fields
    unknown = [f"`{key}` ({value!r})" for key, value in fields
               if declared and value not in declared]
    if unknown:
        raise ValueError(f"unknown metadata field in {'; '.join(unknown)}: use one of "
                         f"metadata_fields ({', '.join(declared)}) or add it there")
    bad = [f"`fairness.{i}.positive_label` ({f.positive_label!r})"
           for i, f in enumerate(spec.fairness)
           if f.positive_label is not None and f.positive_label not in label_names]
    if bad:
        raise ValueError(f"unknown label in {'; '.join(bad)}: use one of "
                         f"{', '.join(label_names)}")


class Project:
    """A project folder: its spec plus where its store and artifacts live."""

    def __init__(self, root: Path, spec: ProjectSpec) -> None:
        self.root = root
        self.spec = spec

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    @property
    def store_dir(self) -> Path:
        return self.root / STORE_DIR

    @property
    def store_url(self) -> str:
        """The store URL; relative SQLite paths are resolved against the project folder."""
        url = os.environ.get("TEXTLOOP_STORE_URL") or self.spec.store
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url[len(prefix):].startswith("/"):
            return prefix + str((self.root / url[len(prefix):]).resolve())
        return url

    def save(self) -> None:
        """Rewrite the spec (used when ``--add-labels`` extends the label set)."""
        write_spec(self.spec_path, self.spec)


def load_spec(path: Path) -> ProjectSpec:
    """Parse and validate a spec file, turning every problem into a ``ConfigError`` with a fix."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFoundError(f"{path}: no such file", hint="run `textloop init NAME` first") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})",
                          hint="save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}",
                          hint="check indentation and quoting on that line") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (name, labels, ...), "
                          f"found {type(raw).__name__}", hint="see `textloop init --help`")
    try:
        return ProjectSpec.model_validate(raw)
    except ValidationError as exc:
        raise explain_validation(str(path), exc) from None


def explain_validation(source: str, exc: ValidationError) -> ConfigError:
    """Turn pydantic's error list into one message per problem, each naming key and fix."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        kind = err["type"]
        if kind == "extra_forbidden":
            parent_fields = _fields_at(err["loc"][:-1])
            close = difflib.get_close_matches(str(err["loc"][-1]), parent_fields, n=1)
            known = ", ".join(parent_fields)
            fix = f"did you mean `{close[0]}`?" if close else f"known keys: {known}"
            lines.append(f"unknown key `{key}`: {fix}")
        elif kind == "missing":
            lines.append(f"missing required key `{key}`: add it (see `textloop init --help`)")
        else:
            message = err["msg"].removeprefix("Value error, ")
            got = err.get("input")
            if not err["loc"]:
                lines.append(message)
                continue
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            lines.append(f"key `{key}`: {message} (found {shown})")
    summary = "; ".join(lines)
    return ConfigError(f"{source}: {summary}", hint="edit textloop.yaml and run the command again")


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by following ``loc`` from ``ProjectSpec``."""
    model: Any = ProjectSpec
    dict_key = False  # the part after a ``dict[str, Model]`` field is a key, not a field
    for part in loc:
        if isinstance(part, int) or dict_key:
            dict_key = False
            continue
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        dict_key = get_origin(annotation) is dict
        inner = getattr(annotation, "__args__", (annotation,))
        model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return sorted(model.model_fields)


def write_spec(path: Path, spec: ProjectSpec) -> None:
    """Write the spec atomically so a crash never leaves a half-written file."""
    data = spec.model_dump(mode="json", exclude_none=True,
                           exclude={"target"} if spec.task != "regression" else None)
    for label in data.get("labels", []):
        if not label.get("seeds"):
            label.pop("seeds", None)  # most labels have none; an empty list is noise
    _write_atomically(path, _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                                     width=100))


def set_spec_key(path: Path, key: str, value: str) -> None:
    """Set one top-level scalar key in the spec file, leaving every other line as it was.

    For values textloop records on its own (the language detected at import), a user's
    comments and layout must survive: only the ``key:`` line is replaced, or added after
    ``text_field:`` (else at the end). ``safe_dump`` quotes values YAML would misread
    (``no`` is Norwegian, not false).
    """
    entry = yaml.safe_dump({key: value}, allow_unicode=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is not None:
        lines[at] = entry
    else:
        after = next((i + 1 for i, line in enumerate(lines) if line.startswith("text_field:")),
                     len(lines))
        lines.insert(after, entry)
    _write_atomically(path, "".join(lines))


def _write_atomically(path: Path, text: str) -> None:
    """A crash leaves the old file or the new one, never half of one."""
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_HEADER = """\
# textloop project spec. Label descriptions are the labeling guideline shown to annotators.
# goal: the metric and target a model must reach; actions: how a probability becomes an action
# (the highest band whose threshold the score reaches wins, otherwise `default`).
"""


def find_project(start: Path | None = None) -> Project:
    """Locate ``textloop.yaml`` in ``start`` or its parents (like git), or ``$TEXTLOOP_PROJECT``."""
    env = os.environ.get("TEXTLOOP_PROJECT")
    origin = Path(env) if env and start is None else (start or Path.cwd())
    origin = origin.resolve()
    for folder in (origin, *origin.parents):
        candidate = folder / SPEC_FILE
        if candidate.is_file():
            return Project(folder, load_spec(candidate))
    raise NotFoundError(
        f"no {SPEC_FILE} in {origin} or any parent folder",
        hint="run `textloop init NAME` to create a project, or pass --project PATH",
    )
