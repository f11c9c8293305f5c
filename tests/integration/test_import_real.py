"""Every real file in ../shared/data imports with the flags docs/importing.md gives for it.

Each case runs in its own project and checks the row and record counts, the label set, and
one exact text with its label and metadata (SMS messages with quote characters intact, the
first, header-less row of AG News, ...). Two cases also go through the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import shared_data
from textloop.cli.main import app
from textloop.config import Label, Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.ingest.formats import ReadOptions
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, records

pytestmark = pytest.mark.integration

SST_MAP = {"0": "negative", "1": "positive"}
AG_LABELS = {"Business", "Sci/Tech", "Sports", "World"}


@dataclass
class Case:
    """One file: how to import it and what must come out."""

    path: tuple[str, ...]
    rows: int
    records: int
    labels: set[str] | int  # the label set, or its size when it is long
    text: str
    label: str
    meta: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None


def raw(*parts: str) -> tuple[str, ...]:
    return ("raw", *parts)


AG_DEV_FIRST = ("p2pnet.net News:- The US Federal Trade Commission has filed its first spyware "
                "case against former self-styled Spam King Sanford Wallace, says the Center for "
                "Democracy and Technology, which made the original complaint last February.")
DAVIDSON_FIRST = ("!!! RT @mayasolovely: As a woman you shouldn't complain about cleaning up your "
                  "house. &amp; as a man you should always take the trash out...")
HEADERLESS = {"read": ReadOptions(header=False), "text_col": "1", "label_col": "2"}

CASES = {
    "ag_news_dev": Case(raw("ag_news", "dev.tsv"), 10_001, 9_988, AG_LABELS, AG_DEV_FIRST,
                        "Sci/Tech", options=HEADERLESS),
    "ag_news_test": Case(raw("ag_news", "test.tsv"), 7_600, 7_594, AG_LABELS,
                         "Unions representing workers at Turner   Newall say they are "
                         "'disappointed' after talks with stricken parent firm Federal Mogul.",
                         "Business", options=HEADERLESS),
    "banking77_train": Case(raw("banking77", "train.csv"), 10_003, 9_999, 77,
                            "I am still waiting on my card?", "card_arrival"),
    "banking77_test": Case(raw("banking77", "test.csv"), 3_080, 3_079, 77,
                           "I still have not received my new card, I ordered over a week ago.",
                           "card_arrival"),
    "clinc150": Case(raw("clinc150", "data_full.json"), 23_700, 23_695, 151,
                     "set a warning for when my bank account starts running low", "oos",
                     {"split": "oos_val"},
                     {"text_col": "1", "label_col": "2", "meta_cols": ["split"]}),
    "davidson": Case(raw("davidson_hate_offensive", "labeled_data.csv"), 24_783, 24_783,
                     {"hate", "offensive", "neither"}, DAVIDSON_FIRST, "neither",
                     {"count": "3", "hate_speech": "0", "offensive_language": "0",
                      "neither": "3"},
                     {"text_col": "tweet", "label_col": "class",
                      "label_map": {"0": "hate", "1": "offensive", "2": "neither"},
                      "meta_cols": ["count", "hate_speech", "offensive_language", "neither"]}),
    "sms_spam": Case(raw("sms_spam", "SMSSpamCollection"), 5_574, 5_160, {"spam", "ham"},
                     "Did you hear about the new \"Divorce Barbie\"? It comes with all of Ken's "
                     "stuff!", "spam", options={"text_col": "SMS", "label_col": "Label"}),
    "sst2_train": Case(raw("sst2", "train.tsv"), 60_614, 60_321, {"negative", "positive"},
                       "when are bears bears and", "positive", options={"label_map": SST_MAP}),
    "sst2_dev": Case(raw("sst2", "dev.tsv"), 6_735, 6_732, {"negative", "positive"},
                     "the expressive power of the camera", "positive",
                     options={"label_map": SST_MAP}),
    "sst2_test": Case(raw("sst2", "test.tsv"), 872, 872, {"negative", "positive"},
                      "it 's a charming and often affecting journey .", "positive",
                      options={"label_map": SST_MAP}),
    # 11 comments appear twice, once with a trailing U+FEFF (zero-width no-break space):
    # the same text to a reader, so one record each (1,759 distinct byte strings)
    "youtube": Case(raw("youtube_spam", "Youtube-Spam-Dataset.csv"), 1_956, 1_748,
                    {"spam", "ham"}, "Huh, anyway check out this you[tube] channel: kobyoshi02",
                    "spam", {"AUTHOR": "Julius NM", "DATE": "2013-11-07T06:20:48",
                             "VIDEO_NAME": "PSY - GANGNAM STYLE(?????) M/V"},
                    {"id_col": "COMMENT_ID", "text_col": "CONTENT", "label_col": "CLASS",
                     "meta_cols": ["AUTHOR", "DATE", "VIDEO_NAME"],
                     "label_map": {"1": "spam", "0": "ham"}},
                    external_id="LZQPQhLyRh80UYxNuaDWhIGQYNQ96IuCg-AYWqNPjpU"),
    "ag_news_jsonl": Case(("ag_news.jsonl.gz",), 17_601, 17_574, AG_LABELS, AG_DEV_FIRST,
                          "Sci/Tech", {"split": "train"}),
    "banking77_jsonl": Case(("banking77.jsonl.gz",), 13_083, 13_072, 77,
                            "I am still waiting on my card?", "card_arrival", {"split": "train"}),
    "clinc150_jsonl": Case(("clinc150.jsonl.gz",), 23_700, 23_695, 151,
                           "set a warning for when my bank account starts running low", "oos",
                           {"split": "validation", "out_of_scope": True}),
    "davidson_jsonl": Case(("davidson_hate_offensive.jsonl.gz",), 24_783, 24_783,
                           {"hate_speech", "offensive_language", "neither"}, DAVIDSON_FIRST,
                           "neither", {"split": "all", "annotators": 3, "votes_hate_speech": 0,
                                       "votes_offensive_language": 0, "votes_neither": 3}),
    "sms_spam_jsonl": Case(("sms_spam.jsonl.gz",), 5_574, 5_160, {"spam", "ham"},
                           "Did you hear about the new \"Divorce Barbie\"? It comes with all of "
                           "Ken's stuff!", "spam", {"split": "all"}),
    "sst2_jsonl": Case(("sst2.jsonl.gz",), 68_221, 67_850, {"negative", "positive"},
                       "when are bears bears and", "positive", {"split": "train"}),
    "youtube_jsonl": Case(("youtube_spam.jsonl.gz",), 1_956, 1_748, {"spam", "ham"},
                          "Huh, anyway check out this you[tube] channel: kobyoshi02", "spam",
                          {"split": "all", "video": "PSY - GANGNAM STYLE(?????) M/V",
                           "author": "Julius NM", "date": "2013-11-07T06:20:48"}),
}
JSONL_DEFAULTS = {"meta_cols": ["*"]}


def new_project(folder: Path, labels: tuple[str, ...] = ()) -> Project:
    return init_project(folder, labels=[Label(name=n) for n in labels])


def stored_record(store: Store, text: str) -> tuple[Any, set[str]]:
    with store.read() as conn:
        found = [r for r in records.iter_all(conn) if r.text == text]
        assert len(found) == 1, f"{text!r} stored {len(found)} times"
        labels = {v[1] for v in annotation_log.iter_votes(conn) if v[0] == found[0].id}
    return found[0], labels


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_file_imports(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    path = shared_data(*case.path)
    defaults = JSONL_DEFAULTS if path.name.endswith(".jsonl.gz") else {}
    options = ImportOptions(**{**defaults, "add_labels": True, **case.options})
    project = new_project(tmp_path / name)
    with Store.for_project(project) as store:
        result = import_file(store, project, path, options)
        assert (result.rows_read, result.records_new, result.rows_skipped) == \
            (case.rows, case.records, 0)
        labels = set(result.labels)
        assert labels == case.labels if isinstance(case.labels, set) else \
            len(labels) == case.labels
        assert set(project.spec.label_names) == labels
        record, record_labels = stored_record(store, case.text)
    assert case.label in record_labels
    assert record.meta == case.meta
    assert record.source_ref == str(path.resolve())
    if case.external_id:
        assert record.external_id == case.external_id


def test_sms_collection_through_the_cli_is_idempotent(tmp_path: Path) -> None:
    path = shared_data("raw", "sms_spam", "SMSSpamCollection")
    project = new_project(tmp_path / "sms", ("spam", "ham"))
    runner = CliRunner()
    args = ["--project", str(project.root), "import", str(path), "--text-col", "SMS",
            "--label-col", "Label"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "5,574 rows read, 5,160 new records, 5,160 new labels" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 new records, 0 new labels" in again.output


def test_headerless_ag_news_through_the_cli_needs_no_header(tmp_path: Path) -> None:
    path = shared_data("raw", "ag_news", "test.tsv")
    project = new_project(tmp_path / "ag")
    runner = CliRunner()
    base = ["--project", str(project.root), "import", str(path)]
    refused = runner.invoke(app, [*base, "--text-col", "1", "--label-col", "2"])
    assert refused.exit_code == 2 and "--no-header" in refused.output
    done = runner.invoke(app, [*base, "--no-header", "--text-col", "1", "--label-col", "2",
                               "--add-labels"])
    assert done.exit_code == 0, done.output
    assert "7,600 rows read, 7,594 new records" in done.output
