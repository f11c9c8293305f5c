"""The data-centric loop for spans on WNUT-17, as a new user runs it (docs/spans.md, "The
data-centric loop for spans"): a labeled seed, an unlabeled pool and official test tweets
pinned to the test split (``import --split test``) → release → train →
``suggest`` → label in teach mode → ``clean`` → review → ``synth`` (mention-swap,
span-context, span-llm) → release v2 → retrain → ``runs``.

The verbs run through the CLI. The annotator answers through the labeling page's own teach
routes with WNUT-17's gold spans (accepting the suggestions that are gold, rejecting the
others, then storing the gold answer); the reviewer decides findings through the review
page's routes; the LLM is a scripted OpenAI-compatible server on 127.0.0.1 whose answers are
real WNUT-17 dev sentences written in inline markup. Sizes are capped to keep the test to a
few minutes. Both releases test on exactly the pinned WNUT-17 test tweets, so ``textloop
evaluate`` scores both runs on the same rows and ``textloop runs`` shows the improvement.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import shared_data
from tests.integration.test_span_model_walkthrough_real import conll_slice, textloop
from tests.unit.strategies.synth.chat_server import ChatServer
from tests.unit.web.webapp import User, Web
from textloop.cli.main import app
from textloop.config import find_project
from textloop.spans import Span, decode_spans, spans_from_utf16, spans_to_utf16
from textloop.spans.conll import read_conll
from textloop.spans.markup import to_markup
from textloop.storage import (
    Store,
    annotation_log,
    findings,
    records,
    releases,
    span_verdicts,
)
from textloop.web.app import create_app
from textloop.web.settings import WebSettings

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration, pytest.mark.model,
              pytest.mark.usefixtures("token_vectors_memo")]

SEED = 60
"""Labeled sentences to start from (WNUT-17 train's first ones)."""
POOL = 300
"""Unlabeled sentences after them: the pool ``suggest`` picks from."""
BATCH = 30
PER_TYPE = 8
TEST_TWEETS = 300
"""WNUT-17 test tweets pinned to the test split: both runs are scored on these rows."""

SPAN_FINDINGS = ("wrong_type", "wrong_boundary", "missing_span", "spurious_span",
                 "inconsistent_type")
RECORD = re.compile(r'data-record-id="([^"]+)"')
TARGET = re.compile(r'<form class="teach-decision".*?name="spans" value="([^"]*)"', re.S)


def teach(user: User, store: Store, gold: dict[str, list[Span]]) -> dict[str, Any]:
    """Work through the queue in teach mode as an annotator who knows the gold spans:
    accept each suggestion that is gold, reject the others, then store the gold spans
    (the editor's answer for what no suggestion offered). Returns the records in the
    order the page opened them and the verdicts given."""
    page = user.get("/label?mode=teach").text
    order: list[str] = []
    verdicts: list[tuple[str, Span, bool]] = []
    while found := RECORD.search(page):
        rid = found.group(1)
        with store.read() as conn:
            (record,) = records.get_many(conn, [rid])
        truth = gold[record.text]
        if not order or order[-1] != rid:
            order.append(rid)
        if target := TARGET.search(page):
            posted = html.unescape(target.group(1))
            (span,) = spans_from_utf16(record.text, [Span(**s) for s in json.loads(posted)])
            verdicts.append((rid, span, span in truth))
            reply = user.post("/label/teach", {"record_id": rid, "spans": posted,
                                               "verdict": "accept" if span in truth
                                               else "reject"})
        else:
            reply = user.post("/label/answer?mode=teach", {
                "record_id": rid, "spans": json.dumps(spans_to_utf16(record.text, truth))})
        assert reply.status_code == 200, reply.text
        page = reply.text
    return {"order": order, "verdicts": verdicts}


def held_out_ids(store: Store, release: str) -> set[str]:
    """The record ids a release holds in its test split."""
    with store.read() as conn:
        return {rid for rid, split, _ in releases.rows(conn, release) if split == "test"}


def test_wnut17_span_loop_from_a_seed_to_a_better_retrained_run(
        tmp_path: Path, chat_server: ChatServer) -> None:
    root = tmp_path / "wnut"
    init = CliRunner().invoke(app, ["init", str(root), "--task", "spans"],
                              catch_exceptions=False)
    assert init.exit_code == 0, init.output
    config = yaml.safe_load((root / "textloop.yaml").read_text(encoding="utf-8"))
    config["synth"].update(generator="span-llm", options={  # the model-free ones need none
        "base_url": chat_server.base_url, "model": "scripted", "max_retries": 0})
    (root / "textloop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")

    # a labeled seed and the rest of the slice as an unlabeled pool
    train_file = shared_data("spans", "wnut17", "train.conll")
    gold = {r.text: r.spans for r in read_conll(train_file)}
    seed = textloop(root, "import", str(conll_slice(train_file, tmp_path / "seed.conll", SEED)),
                    "--add-labels")
    assert seed["annotations_new"] > 50 and len(seed["new_labels"]) == 6
    pool = textloop(root, "import", str(conll_slice(train_file, tmp_path / "pool.conll",
                                                    SEED + POOL)), "--no-labels")
    assert pool["annotations_new"] == 0 and pool["records_new"] > POOL * 0.9
    official = textloop(root, "import", str(conll_slice(
        shared_data("spans", "wnut17", "test.conll"), tmp_path / "test.conll", TEST_TWEETS)),
        "--split", "test")
    assert official["pinned"] == {"test": TEST_TWEETS}
    v1 = textloop(root, "release")
    project = find_project(root)
    with Store.for_project(project) as store, store.read() as conn:
        pinned = set(records.pins(conn))
    with Store.for_project(project) as store:
        assert held_out_ids(store, v1["id"]) == pinned and len(pinned) > TEST_TWEETS * 0.95
    run1 = textloop(root, "train")  # no span rules: the learned span model by default
    assert run1["model"] == "textloop.model.minilm-crf.v1" and run1["release_id"] == v1["id"]

    # suggest: the span model's least sure records, queued in that order
    queued = textloop(root, "suggest", "--batch", str(BATCH))
    assert queued["queued"] == BATCH and not queued["cold_start"]
    assert queued["strategy"] == "textloop.query.span-default.v1"
    asked = textloop(root, "preannotate", "--source", "model")
    assert asked["run"] == run1["run_name"] and asked["asked"] == BATCH
    # and an LLM's, through the real client: the local server quotes each text's gold
    # mentions, in the order the queue asks
    with Store.for_project(project) as store, store.read() as conn:
        queued_texts = [r.text for r in records.get_many(conn, queued["record_ids"])]
    chat_server.replies = [json.dumps({"mentions": [
        {"text": text[s.start:s.end], "label": s.label} for s in gold[text]]})
        for text in queued_texts]
    config = yaml.safe_load((root / "textloop.yaml").read_text(encoding="utf-8"))
    config["labeling"]["suggest_llm"] = {"base_url": chat_server.base_url, "model": "oracle",
                                         "max_retries": 0}
    (root / "textloop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    llm = textloop(root, "preannotate", "--source", "llm")
    # every answer parses; a quoted mention whose text also lies inside another is dropped
    # as overlapping (which records the queue holds depends on run 1)
    assert llm["asked"] == BATCH and set(llm["dropped"]) <= {"overlapping"}, llm["dropped"]

    project = find_project(root)
    with Store.for_project(project) as store:
        web = Web(project, store, create_app(project, store, WebSettings(retrain=False)))
        taught = teach(web.sign_in("ana"), store, gold)
        assert taught["order"] == queued["record_ids"]  # the page follows the strategy
        assert taught["verdicts"], "the suggestions are offered one at a time"
        with store.read() as conn:
            answers = {rid: decode_spans(label)
                       for rid, _, label, kind, _ in annotation_log.human_votes(conn)}
            stored = [v for rid in taught["order"]
                      for v in span_verdicts.standing(conn, "ana", rid)]
            texts = {r.id: r.text for r in records.get_many(conn, taught["order"])}
        assert answers == {rid: gold[texts[rid]] for rid in taught["order"]}
        assert sorted((v["record_id"], v["verdict"] == "accepted") for v in stored) == sorted(
            (rid, accepted) for rid, _, accepted in taught["verdicts"])
        assert any("llm" in v["source"] for v in stored if v["verdict"] == "accepted")

        # clean, then review: accept a fix, keep one, edit one, exclude a record. The
        # excluded one is a training record, so the test rows stay the pinned tweets (whose
        # labels a reviewer may still fix)
        cleaned = textloop(root, "clean", "--no-embeddings")
        assert sum(cleaned["findings"][kind] for kind in SPAN_FINDINGS) > 0, cleaned
        listed = [f for kind in SPAN_FINDINGS
                  for f in textloop(root, "review", "--kind", kind)["first_open"]]
        with store.read() as conn:
            latest = findings.get(conn, "latest")["id"]
            drop = next({"finding_id": f["id"], "record_id": f["record_id"]}
                        for f in findings.list_for_kinds(conn, latest, SPAN_FINDINGS)
                        if f["status"] == findings.OPEN and f["record_id"] not in pinned)
        listed = [f for f in listed if f["record_id"] != drop["record_id"]]
        fix = next(f for f in listed if f["details"].get("suggested")
                   and f["kind"] != "inconsistent_type")
        keep, edit = [f for i, f in enumerate(listed)
                      if f["record_id"] != fix["record_id"]
                      and f["record_id"] not in {g["record_id"] for g in listed[:i]}][:2]
        judge = web.sign_in("rev", role="adjudicator")
        for path, finding, extra in (
                ("/review/accept", fix, {}), ("/review/keep", keep, {}),
                ("/review/edit", edit, {"value": json.dumps([])}),
                ("/review/exclude", drop, {})):
            decided = judge.post(path, {"finding_id": finding["finding_id"], **extra})
            assert decided.status_code == 200, decided.text
        summary = textloop(root, "review")
        assert summary["decided"] == 4 and summary["excluded_records"] == 1

    # synthetic sentences from each span generator, the LLM's being real dev tweets
    dev = [r for r in read_conll(shared_data("spans", "wnut17", "dev.conll")) if r.spans]
    chat_server.replies = ["\n".join(f"{i + 1}. {to_markup(r.text, r.spans)}"
                                     for i, r in enumerate(dev[:PER_TYPE]))]
    batches = [textloop(root, "synth", "--generator", generator, "--per-class", str(PER_TYPE),
                        "--classes", "2", "--no-embeddings")
               for generator in ("mention-swap", "span-context", "span-llm")]
    assert all(sum(c["accepted"] for c in b["counts"].values()) > 0 for b in batches), batches
    judged = textloop(root, "synth", "evaluate", batches[0]["batch"], "--seeds", "1")
    assert judged["metric"] == "entity_micro_f1" and judged["decision"] in (
        "accepted", "held_back")
    for batch in batches:  # the user's call for the rest, with a reason
        textloop(root, "synth", "accept", batch["batch"], "--reason", "read them")

    v2 = textloop(root, "release")
    folder = root / ".textloop" / "releases" / v2["id"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    for generator in ("mention-swap", "span-context", "span-llm"):
        assert f"`textloop.synth.{generator}.v1`" in card
    train = pd.read_parquet(folder / "train.parquet")
    assert (train["source_kind"] == "synthetic").sum() > 0
    for split in ("validation", "test"):
        assert not (pd.read_parquet(folder / f"{split}.parquet")["source_kind"]
                    == "synthetic").any()
    with Store.for_project(project) as store, store.read() as conn:
        rows = {rid: (split, label) for rid, split, label in releases.rows(conn, v2["id"])}
        before = {rid: split for rid, split, _ in releases.rows(conn, v1["id"])}
    assert drop["record_id"] not in rows  # excluded by the review
    assert decode_spans(rows[edit["record_id"]][1]) == []  # the reviewer's edit
    fixed = decode_spans(rows[fix["record_id"]][1])  # the suggested fix, accepted
    suggested = fix["details"]["suggested"]
    assert Span(suggested["start"], suggested["end"], suggested["label"]) in fixed
    if fix["details"].get("given"):
        given = fix["details"]["given"]
        assert Span(given["start"], given["end"], given["label"]) not in fixed
    assert all(rows[rid][0] == split for rid, split in before.items() if rid in rows)

    with Store.for_project(project) as store:
        assert held_out_ids(store, v2["id"]) == pinned  # the same official tweets as v1

    # retrain on v2, evaluate both runs on their release's test split (the same tweets):
    # runs shows both side by side, and the retrained one scores higher
    run2 = textloop(root, "train")
    assert run2["release_id"] == v2["id"] and run2["n_train"] > run1["n_train"]
    for run in (run1, run2):
        textloop(root, "evaluate", run["run_name"], "--no-probes")
    listed_runs = {r["run"]: r["metrics"] for r in textloop(root, "runs")}
    before, after = (listed_runs[run["run_name"]] for run in (run1, run2))
    assert "val/entity_micro_f1" in before and "val/entity_micro_f1" in after
    assert before["test/rows"] == after["test/rows"] == len(pinned)
    assert after["test/entity_micro_f1"] > before["test/entity_micro_f1"], (before, after)
