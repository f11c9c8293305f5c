"""The dataset card (``README.md``): Hugging Face-style YAML front matter plus a readable body.

The front matter is produced with ``yaml.safe_dump`` from plain data, so no label name or
description can break it; the body is Markdown meant for the people who use the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from textloop.stages.release.split import SPLITS

_SIZE_BOUNDS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"),
                (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"))


@dataclass(frozen=True)
class CardFacts:
    """Everything the card states; gathered by the release stage."""

    release_id: str
    name: str
    description: str
    license: str
    labels: list[str]
    label_descriptions: dict[str, str]
    label_counts: dict[str, dict[str, int]]
    split_rows: dict[str, int]
    split_bytes: dict[str, int]
    features: list[dict[str, Any]]
    sources: list[tuple[str, int]]
    seed: int
    fractions: dict[str, float]
    group_field: str | None
    changes: str
    message: str
    created_at: float
    target: dict[str, Any] | None = None  # a regression task's target and its split statistics
    synthetic: dict[str, Any] | None = None  # generated rows: counts, shares, generators
    spans: dict[str, Any] | None = None  # a span release: lengths per label, empty records
    settings: list[str] | None = None  # "group column: author (inherited from v1)", ...
    agreement: dict[str, Any] | None = None  # annotators' agreement on the released records
    cleaning: dict[str, Any] | None = None  # the newest `textloop clean` run and its review
    pinned: list[dict[str, Any]] = field(default_factory=list)
    """Records pinned at import (``textloop import --split``): split, source file, records."""


def size_category(n: int) -> str:
    """The Hugging Face ``size_categories`` bucket for ``n`` rows."""
    return next((name for bound, name in _SIZE_BOUNDS if n < bound), "n>1B")


def render_card(facts: CardFacts) -> str:
    sections = [_title(facts), _labels(facts), _agreement(facts), _cleaning(facts),
                _sources(facts),
                _synthetic(facts), _splitting(facts), _changes(facts), _loading(facts)]
    body = "\n\n".join(section for section in sections if section)
    return "---\n" + yaml.safe_dump(front_matter(facts), sort_keys=False, allow_unicode=True,
                                    width=100) + "---\n\n" + body + "\n"


def front_matter(facts: CardFacts) -> dict[str, Any]:
    """The YAML header read by the Hugging Face Hub and ``datasets``."""
    loadable = _loadable(facts)
    total = sum(facts.split_rows.values())
    return {
        "license": facts.license,
        "pretty_name": facts.name,
        "task_categories": ["text-classification"],
        "size_categories": [size_category(total)],
        "configs": [{"config_name": "default",
                     "data_files": [{"split": s, "path": f"{s}.parquet"} for s in loadable]}],
        "dataset_info": {
            "features": facts.features,
            "splits": [{"name": s, "num_bytes": facts.split_bytes[s],
                        "num_examples": facts.split_rows[s]} for s in loadable],
        },
    }


def _loadable(facts: CardFacts) -> list[str]:
    """Splits listed for ``datasets``, which cannot load an empty Parquet file as a split."""
    return [s for s in SPLITS if facts.split_rows.get(s, 0) > 0]


def _title(facts: CardFacts) -> str:
    created = dt.datetime.fromtimestamp(facts.created_at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    what = ("a numeric target" if facts.target else
            f"{len(facts.labels)} span labels" if facts.spans else f"{len(facts.labels)} labels")
    lines = [f"# {' '.join(facts.name.split())} — release {facts.release_id}", "",
             facts.description or "_No description in textloop.yaml._", "",
             f"Created {created}. {sum(facts.split_rows.values()):,} labeled records, "
             f"{what}, "
             f"license: {facts.license}."]
    if facts.message:
        lines += ["", f"Release notes: {facts.message}"]
    return "\n".join(lines)


def _labels(facts: CardFacts) -> str:
    if facts.target is not None:
        return _target(facts.target)
    header = ["label", "description", *SPLITS, "total"]
    rows = []
    for label in facts.labels:
        counts = [facts.label_counts.get(label, {}).get(s, 0) for s in SPLITS]
        rows.append([label, facts.label_descriptions.get(label, ""),
                     *(f"{c:,}" for c in counts), f"{sum(counts):,}"])
    if facts.spans is not None:
        return _span_labels(facts, header, rows)
    totals = [facts.split_rows.get(s, 0) for s in SPLITS]
    rows.append(["**all**", "", *(f"{c:,}" for c in totals), f"{sum(totals):,}"])
    return "## Labels\n\nThe descriptions are the labeling guideline.\n\n" + _table(header, rows)


def _span_labels(facts: CardFacts, header: list[str], rows: list[list[str]]) -> str:
    """A span release: spans (not records) per label and split, and span lengths."""
    spans = facts.spans or {}
    lengths = [[label, f"{s['spans']:,}", _chars(s["mean_chars"]), _chars(s["median_chars"]),
                _chars(s["max_chars"])] for label, s in spans.get("lengths", {}).items()]
    return ("## Span labels\n\nSpans per label and split (a record may hold several). The "
            "descriptions are the labeling guideline.\n\n" + _table(header, rows)
            + f"\n\n{spans.get('records_without_spans', 0):,} records carry no span. "
            "Span lengths in characters:\n\n"
            + _table(["label", "spans", "mean", "median", "max"], lengths))


def _chars(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _target(target: dict[str, Any]) -> str:
    """A regression release: what the number means and how it is spread in each split."""
    header = ["split", "rows", "mean", "std", "min", "median", "max"]
    rows = [[split, f"{s['n']:,}", *(("–" if s[k] is None else f"{s[k]:.4g}")
                                     for k in ("mean", "std", "min", "median", "max"))]
            for split, s in target["splits"].items()]
    bounds = (f" Allowed range: {target.get('min')} to {target.get('max')}."
              if target.get("min") is not None or target.get("max") is not None else "")
    what = f" {target['description']}" if target.get("description") else ""
    return (f"## Target\n\nA regression task: `label` holds the number "
            f"`{target.get('name', 'score')}`.{what}{bounds}\n\n" + _table(header, rows))


def _agreement(facts: CardFacts) -> str:
    """How much annotators agreed on the released records, as measured at release time."""
    found = facts.agreement
    if found is None:  # facts gathered without it: no section rather than a wrong one
        return ""
    if not found.get("measured"):
        return f"## Annotator agreement\n\nAgreement: not measured — {found['note']}."
    head = (f"## Annotator agreement\n\nMeasured when the release was made, on the "
            f"{found['records_with_overlap']:,} released records that two or more annotators "
            f"({', '.join(found['annotators'])}) answered: {found['disputed']:,} of them "
            f"differed. Final answers of these records: {found['adjudicated']:,} decided by "
            f"an adjudicator or reviewer, {found['majority']:,} by the annotators' own answers "
            "(all agreed, or a majority).\n\n")
    body = _span_agreement(found) if found["measure"] == "spans" else _label_agreement(found)
    return head + body


def _span_agreement(found: dict[str, Any]) -> str:
    strict, partial, kappa = found["strict"]["f1"], found["partial"]["f1"], found["token_kappa"]
    reading = (f"Strict entity F1 {_score(strict)}: annotators marked the same spans (same "
               f"start, end and label) for {_share(strict)} of the spans either of them marked"
               f"; partial F1 {_score(partial)} gives half credit for overlapping spans with the "
               f"same label. Token-level kappa {_coefficient(kappa)} (over {kappa['n_items']:,}"
               " tokens) corrects the tags of every token for chance; it reads higher than F1 "
               "because both leave most tokens unmarked. Means over pairs of annotators.")
    rows = [[row["label"], f"{row['spans']:,}", _score(row["strict_f1"]),
             _score(row["partial_f1"])] for row in found["labels"]]
    rows.append(["**all**", "", _score(strict), _score(partial)])
    return reading + "\n\n" + _table(["label", "spans", "strict F1", "partial F1"], rows)


def _label_agreement(found: dict[str, Any]) -> str:
    alpha, fleiss = found["krippendorff_alpha"], found["fleiss_kappa"]
    reading = (f"Krippendorff's alpha {_coefficient(alpha)} and Fleiss' kappa "
               f"{_coefficient(fleiss)}: 1 is perfect agreement, 0 no better than chance "
               "(0.8 and above is usually taken as reliable). Cohen's kappa per pair of "
               f"annotators needs {found['min_shared']} shared records.")
    pairs = [[f"{p['a']} / {p['b']}", f"{p['shared']:,}", _score(p["observed"]),
              _coefficient(p["cohen_kappa"])] for p in found["pairs"]]
    labels = [[row["label"], f"{row['records']:,}", f"{row['disputed']:,}"]
              for row in found["labels"]]
    return (reading + "\n\n" + _table(["annotators", "shared", "same label", "Cohen's kappa"],
                                        pairs)
            + "\n\nRecords given each label by someone, and how many of them were disputed:"
            "\n\n" + _table(["label", "records", "disputed"], labels))


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _coefficient(found: dict[str, Any]) -> str:
    """A coefficient's value, or why it is undefined (never NaN)."""
    if found["value"] is None:
        return f"undefined ({found['note']})"
    return f"{found['value']:.2f}"


def _cleaning(facts: CardFacts) -> str:
    """Which `textloop clean` run the labels were reviewed against, by which method (its
    versioned name, so the run can be repeated) and what the review decided."""
    run = facts.cleaning
    if not run or not run.get("cleaning"):
        return ""
    models = ", ".join(f"`{m}`" for m in run.get("models", [])) or "none"
    decisions: dict[str, int] = {}
    for by_status in run["findings"].values():
        for status, n in by_status.items():
            decisions[status] = decisions.get(status, 0) + n
    decided = ", ".join(f"{status} {n:,}" for status, n in sorted(decisions.items()))
    return "\n".join([
        "## Cleaning", "",
        f"Latest `textloop clean` run: {run['cleaning']}, label-issue method "
        f"`{run.get('method')}`, out-of-fold models {models}.", "",
        f"Its findings by review decision: {decided or 'none found'}. Accepted fixes and "
        "edits are in these labels; excluded records are left out.",
    ])


def _sources(facts: CardFacts) -> str:
    rows = [[source, f"{count:,}"] for source, count in facts.sources]
    return "## Sources\n\n" + _table(["source", "records"], rows)


def _synthetic(facts: CardFacts) -> str:
    """What share of the data was generated, per class, and by what; all of it is train."""
    made = facts.synthetic
    if not made:
        return "## Synthetic records\n\nNone: every record is real."
    rows = [[label, f"{entry['rows']:,}", f"{entry['share']:.1%}"]
            for label, entry in made["per_label"].items()]
    rows.append(["**all**", f"{made['rows']:,}", f"{made['share']:.1%}"])
    generators = ", ".join(f"`{name}` ({n:,})" for name, n in made["generators"].items())
    return "\n".join([
        "## Synthetic records", "",
        f"{made['rows']:,} records ({made['share']:.1%}) were generated by `textloop synth` "
        f"and accepted: {generators}. Their `source_kind` and `label_kind` are `synthetic`; "
        "the `synth_*` columns name the batch, item, generator, model and prompt template.",
        "",
        "They are all in the train split, never in validation or test, so early stopping, "
        "calibration, thresholds, model selection and every reported score rest on real "
        "records only.", "",
        _table(["label", "synthetic", "share of the label"], rows),
    ])


def _splitting(facts: CardFacts) -> str:
    fractions = ", ".join(f"{s} {facts.fractions[s]:g}" for s in SPLITS)
    grouping = (f"and records sharing a `{facts.group_field}` value (a record without one is "
                "its own group; a text repeated under several values follows each value)"
                if facts.group_field else "(no group column)")
    settings = ([f"- Settings: {'; '.join(facts.settings)}. A release keeps its parent's "
                 "group column, seed and fractions unless an option or an edit of "
                 "`textloop.yaml` changes them."] if facts.settings else [])
    pins = [f"  - {p['split']}: {p['records']:,} rows pinned at import (file {p['source']})"
            for p in facts.pinned]
    pinned = (["- Pinned at import (`textloop import --split`), before every other rule; each "
               "takes its group along. A held-out split holding pinned rows takes no other new "
               "rows, and the fractions apply to the unpinned records only:", *pins]
              if pins else [])
    return "\n".join([
        "## How it was split", "",
        *pinned,
        f"- Seed {facts.seed}; target fractions: {fractions}.",
        *settings,
        "- Groups stay within one split: texts equal after lowercasing and collapsing "
        f"whitespace, {grouping}.",
        "- Stratified by label: groups of two or more records (largest first), then single "
        "records, each go to the split whose labels are least filled relative to their target. "
        "A split that would stay empty takes the smallest group of the fullest split.",
        "- Sticky: records from the previous release keep their split. If grouping joins records "
        "from different splits, the group goes to the most held-out one (test, then "
        "validation, then train), so a held-out record is never moved into training.",
        "- Deterministic: the same records and seed give the same split, in any insertion order.",
        "- Every split has a Parquet file; an empty one has no rows and is left out of "
        "`configs` above, because `datasets` cannot load an empty split.",
    ])


def _changes(facts: CardFacts) -> str:
    return f"## Changes\n\n{facts.changes}. Row-level details are in `diff.json`."


def _loading(facts: CardFacts) -> str:
    files = ", ".join(f'"{s}": "{s}.parquet"' for s in _loadable(facts))
    return "\n".join([
        "## How to load", "",
        "```python",
        "import pandas as pd",
        'train = pd.read_parquet("train.parquet")',
        "",
        "from datasets import load_dataset",
        f'ds = load_dataset("parquet", data_files={{{files}}})',
        "# or, reading the features (label names) from this card:",
        f'ds = load_dataset("path/to/{facts.release_id}")',
        "```", "",
        "`manifest.json` lists the sha256 of every file; `textloop` refuses to load a release "
        "whose files no longer match it.",
    ])


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [_row(header), _row(["---"] * len(header))]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    """A Markdown table row; pipes and line breaks inside a cell would end it early."""
    clean = [str(c).replace("|", "\\|").replace("\n", " ") for c in cells]
    return "| " + " | ".join(clean) + " |"
