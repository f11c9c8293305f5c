"""The dataset card: parseable Hugging Face front matter, whatever the labels say."""

from __future__ import annotations

import re

import yaml

from textloop.stages.release.card import CardFacts, front_matter, render_card, size_category

NASTY = 'quote " colon: dash - hash # \n---\nnewline | pipe'


def _facts(**changes) -> CardFacts:
    base = dict(
        release_id="v2", name="spam filter", description="Comments on videos.",
        license="cc-by-4.0", labels=["spam", "ham: not spam"],
        label_descriptions={"spam": NASTY, "ham: not spam": ""},
        label_counts={"spam": {"train": 8, "validation": 1, "test": 1},
                      "ham: not spam": {"train": 4, "validation": 0, "test": 1}},
        split_rows={"train": 12, "validation": 1, "test": 2},
        split_bytes={"train": 900, "validation": 80, "test": 160},
        features=[{"name": "text", "dtype": "string"},
                  {"name": "label", "dtype": {"class_label": {"names": {"0": "spam",
                                                                        "1": "ham: not spam"}}}}],
        sources=[("comments.csv (file)", 15)], seed=13,
        fractions={"train": 0.8, "validation": 0.1, "test": 0.1}, group_field="VIDEO_NAME",
        changes="vs v1: +5 added, -0 removed, 1 relabeled", message="", created_at=0.0)
    return CardFacts(**{**base, **changes})


def _front(text: str) -> dict:
    assert text.startswith("---\n")
    header, _, _ = text[4:].partition("\n---\n")
    return yaml.safe_load(header)


def test_front_matter_parses_and_has_the_hub_keys() -> None:
    front = _front(render_card(_facts()))
    assert front["license"] == "cc-by-4.0"
    assert front["task_categories"] == ["text-classification"]
    assert front["size_categories"] == ["n<1K"]
    assert front["pretty_name"] == "spam filter"
    files = front["configs"][0]["data_files"]
    assert front["configs"][0]["config_name"] == "default"
    assert files == [{"split": s, "path": f"{s}.parquet"} for s in ("train", "validation", "test")]
    label = next(f for f in front["dataset_info"]["features"] if f["name"] == "label")
    assert label["dtype"]["class_label"]["names"] == {"0": "spam", "1": "ham: not spam"}
    assert [s["num_examples"] for s in front["dataset_info"]["splits"]] == [12, 1, 2]


def test_a_label_description_cannot_break_the_card() -> None:
    text = render_card(_facts(name=NASTY))
    assert _front(text)["pretty_name"] == NASTY
    table_line = next(line for line in text.splitlines() if line.startswith("| spam |"))
    assert "newline \\| pipe" in table_line
    assert len(re.findall(r"(?<!\\)\|", table_line)) == 7  # six cells, pipes escaped inside


def test_empty_splits_are_left_out_of_the_loadable_files() -> None:
    facts = _facts(split_rows={"train": 12, "validation": 0, "test": 2})
    front = front_matter(facts)
    assert [f["split"] for f in front["configs"][0]["data_files"]] == ["train", "test"]
    assert '"validation"' not in render_card(facts).split("## How to load")[1]


def test_body_states_counts_sources_split_rules_and_changes() -> None:
    text = render_card(_facts(message="relabeled spam"))
    assert "| ham: not spam |  | 4 | 0 | 1 | 5 |" in text
    assert "| comments.csv (file) | 15 |" in text
    assert "Seed 13" in text and "`VIDEO_NAME`" in text and "Sticky" in text
    assert "vs v1: +5 added" in text
    assert "Release notes: relabeled spam" in text
    assert 'load_dataset("parquet"' in text and "pd.read_parquet" in text


def test_size_categories_follow_the_hub_buckets() -> None:
    assert size_category(999) == "n<1K"
    assert size_category(1_956) == "1K<n<10K"
    assert size_category(68_221) == "10K<n<100K"
    assert size_category(1_000_000) == "1M<n<10M"


def test_the_card_states_the_synthetic_share_per_class_and_the_generators() -> None:
    synthetic = {"rows": 3, "share": 0.15, "split": "train",
                 "per_label": {"spam": {"rows": 3, "share": 0.2}},
                 "generators": {"textloop.synth.swap.v1": 2, "textloop.synth.typo.v1": 1}}
    text = render_card(_facts(synthetic=synthetic))
    section = text.split("## Synthetic records")[1].split("## How it was split")[0]
    assert "3 records (15.0%) were generated" in section
    assert "`textloop.synth.swap.v1` (2), `textloop.synth.typo.v1` (1)" in section
    assert "never in validation or test" in section
    assert "| spam | 3 | 20.0% |" in section and "| **all** | 3 | 15.0% |" in section
    assert "None: every record is real." in render_card(_facts())
