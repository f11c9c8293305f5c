"""The production loop on real clinc150 traffic: serve → monitor → suggest → label → release →
train → promote, while the server keeps running.

The first champion knows ten in-scope intents and has seen only five out-of-scope ("oos")
queries, so it almost never answers oos. A quarter of its production traffic is out of
scope. ``textloop monitor`` flags the drift; ``suggest --from production`` brings the
drifted and uncertain rows back to the labeling queue with their request ids; an annotator
labels them through the labeling app's actions; the model trained on the next release beats
the old champion on fresh shifted traffic that no stage saw, passes the promotion policy, and
the running server switches to it.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import accuracy_score, f1_score, recall_score

from tests.unit.server.fixtures import client_for, wait_ready, wait_until
from tests.unit.stages.monitor.fixtures import clinc_rows
from textloop.config import Label, MonitoringSettings, Project, ReleaseSettings
from textloop.stages.active_learn.production import (
    DRIFTED,
    ProductionSuggestResult,
    suggest_from_production,
)
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.history import record_history
from textloop.stages.label.queue import next_item, submit
from textloop.stages.monitor import MonitorOptions, MonitorResult, monitor
from textloop.stages.predict.prediction import predict
from textloop.stages.project.init import init_project
from textloop.stages.release import ReleaseInfo, create_release, load_release
from textloop.stages.train.training import train
from textloop.stages.versions.promotion import PromotionDecision, promote
from textloop.stages.versions.register import register_run
from textloop.storage import Store, model_versions, predictions
from textloop.types import SourceKind

pytestmark = [pytest.mark.integration, pytest.mark.model]

OOS = "oos"
INTENTS = 10
TRAIN_PER_INTENT = 80
SEED_OOS = 5  # all the out-of-scope examples the first model learns from
TRAFFIC_IN, TRAFFIC_OOS = 150, 50  # production: a quarter out of scope
HELD_IN, HELD_OOS = 240, 80  # fresh shifted traffic for the final comparison
QUEUE = 60
REQUEST_SIZE = 10
ANNOTATOR = "ana"
MONITORING = MonitoringSettings(window=TRAFFIC_IN + TRAFFIC_OOS, null_windows=19,
                                permutations=99, min_rows=30, max_reference=400,
                                alert_rows=15, neighbours=1)

Pair = tuple[str, str]  # (text, true label)


@dataclass
class Loop:
    """What each step of the loop returned, for the tests to judge."""

    project: Project
    sent: dict[tuple[str, int], Pair]
    """(request id, index) -> the text sent to /v1/classify and its true label."""
    drift: MonitorResult
    queued: ProductionSuggestResult
    labeled: dict[str, str]
    """Record id -> the label the annotator gave."""
    release: ReleaseInfo
    old_run: str
    new_run: str
    new_version: int
    decision: PromotionDecision
    champion: int
    served_after: dict[str, Any]
    held_out: list[Pair]


def clinc() -> dict[tuple[str, str], list[str]]:
    """(label, split) -> texts, in file order."""
    out: dict[tuple[str, str], list[str]] = {}
    for row in clinc_rows():
        out.setdefault((row["label"], row["split"]), []).append(row["text"])
    return out


def write_csv(path: Path, rows: list[Pair]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def mixed(rng: random.Random, in_scope: list[Pair], oos: list[str], n_in: int,
          n_oos: int) -> list[Pair]:
    """``n_in`` in-scope and ``n_oos`` out-of-scope rows, shuffled."""
    rows = rng.sample(in_scope, n_in) + [(t, OOS) for t in rng.sample(oos, n_oos)]
    rng.shuffle(rows)
    return rows


def first_champion(store: Store, project: Project, data: dict[tuple[str, str], list[str]],
                   intents: list[str], folder: Path) -> str:
    """Import the intents' training rows and five oos ones; release, train, register and
    promote the first model (no champion yet: the uplift rule is skipped)."""
    rows = [(t, i) for i in intents for t in data[(i, "train")][:TRAIN_PER_INTENT]]
    rows += [(t, OOS) for t in data[(OOS, "train")][:SEED_OOS]]
    import_file(store, project, write_csv(folder / "seed.csv", rows), ImportOptions())
    create_release(store, project)
    run = train_and_register(store, project)[0]
    assert promote(store, project, "1", actor=ANNOTATOR).promoted
    return run


def train_and_register(store: Store, project: Project) -> tuple[str, int]:
    """``textloop train``, ``evaluate RUN --no-probes`` and ``register RUN`` on the latest
    release: (run name, version)."""
    run = train(store, project, model="tfidf-lr").run_name
    evaluate_run(store, project, run, probes=False)
    registered = register_run(store, project, run, actor=ANNOTATOR)
    assert not registered.evaluated_now
    return run, int(registered.version["version"])


def send(client: TestClient, store: Store, rows: list[Pair]) -> dict[tuple[str, int], Pair]:
    """POST the rows in requests of ten; wait until the prediction log holds the last one
    (one writer thread writes the log in order)."""
    sent: dict[tuple[str, int], Pair] = {}
    for start in range(0, len(rows), REQUEST_SIZE):
        chunk = rows[start:start + REQUEST_SIZE]
        response = client.post("/v1/classify", json={"texts": [t for t, _ in chunk]})
        assert response.status_code == 200, response.text
        request = response.json()["request_id"]
        sent.update({(request, i): row for i, row in enumerate(chunk)})
    last = list(sent)[-1]

    def logged() -> bool:
        with store.read() as conn:
            return predictions.get(conn, *last) is not None

    wait_until(logged, "the prediction log to hold the traffic")
    return sent


def relabel(store: Store, project: Project, truth: dict[str, str]) -> dict[str, str]:
    """The annotator takes each queued record in turn and gives its true clinc150 label, as
    the labeling page does (``next_item``, then ``submit``)."""
    given: dict[str, str] = {}
    while (item := next_item(store, ANNOTATOR)) is not None:
        assert (item.picked_because or "").startswith("production ")  # the page says why
        given[item.record_id] = truth[item.text]
        submit(store, project, ANNOTATOR, item.record_id, [given[item.record_id]])
    return given


def new_project(folder: Path, intents: list[str]) -> Project:
    project = init_project(folder / "proj", labels=[Label(name=i) for i in [*intents, OOS]])
    project.spec.monitoring = MONITORING
    project.spec.release = ReleaseSettings(train=0.7, validation=0.15, test=0.15)
    project.save()
    return project


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Loop:
    folder = tmp_path_factory.mktemp("loop")
    data = clinc()
    intents = sorted({label for label, _ in data if label != OOS})[:INTENTS]
    project = new_project(folder, intents)
    rng = random.Random(0)
    traffic = mixed(rng, [(t, i) for i in intents for t in data[(i, "validation")]],
                    data[(OOS, "validation")], TRAFFIC_IN, TRAFFIC_OOS)
    held_out = mixed(rng, [(t, i) for i in intents for t in data[(i, "test")]],
                     data[(OOS, "test")], HELD_IN, HELD_OOS)
    with Store.for_project(project) as store:
        old_run = first_champion(store, project, data, intents, folder)
        with client_for(project, store) as client:
            assert wait_ready(client)["model_version"] == 1
            sent = send(client, store, traffic)
            drift = monitor(store, project, MonitorOptions())
            queued = suggest_from_production(store, project, batch=QUEUE)
            labeled = relabel(store, project, dict(traffic))
            release = create_release(store, project)
            new_run, new_version = train_and_register(store, project)
            decision = promote(store, project, str(new_version), actor=ANNOTATOR)
            with store.read() as conn:
                champion = model_versions.aliases(conn)["champion"]
            served_after = wait_until(
                lambda: (ready := client.get("/readyz").json())["model_version"] == new_version
                and ready, "the server to follow the promoted champion")
    return Loop(project, sent, drift, queued, labeled, release, old_run, new_run,
                new_version, decision, champion, served_after, held_out)


def picked_truths(loop: Loop) -> list[str]:
    return [loop.sent[(pick.request_id, pick.idx)][1] for pick in loop.queued.picks]


def test_monitor_flags_the_out_of_scope_traffic(loop: Loop) -> None:
    drift = loop.drift
    assert drift.window["rows"] == TRAFFIC_IN + TRAFFIC_OOS and drift.window["texts_logged"]
    assert drift.served.version == 1 and drift.status == "drift"
    flagged = {c.name for c in drift.checks if c.slice == "all" and c.status == "drift"}
    assert {"domain_classifier", "confidence"} <= flagged
    alerted = {a.check.name for a in drift.alerts}
    assert "domain_classifier" in alerted
    assert all(row["request_id"] in {r for r, _ in loop.sent}
               for alert in drift.alerts for row in alert.rows)


def test_suggest_brings_back_mostly_oos_rows_named_by_request(loop: Loop) -> None:
    queued = loop.queued
    assert queued.report_id == loop.drift.report_id
    assert queued.rows_read == TRAFFIC_IN + TRAFFIC_OOS and queued.queued == QUEUE
    assert queued.count(DRIFTED) >= QUEUE // 3
    truths = picked_truths(loop)
    assert truths.count(OOS) >= 0.6 * QUEUE  # a quarter of the traffic, most of the queue
    assert truths.count(OOS) >= 0.7 * TRAFFIC_OOS  # most oos queries came back


def test_queued_rows_carry_their_production_provenance(loop: Loop) -> None:
    """What ``textloop show RECORD`` lists: the record came from the request, and its queue
    item says which request and why."""
    with Store.for_project(loop.project) as store:
        histories = {p.record_id: (p, record_history(store, loop.project, p.record_id))
                     for p in loop.queued.picks}
    assert len(histories) == QUEUE
    for pick, history in histories.values():
        where = f"{pick.request_id}/{pick.idx}"
        assert history.record.source_kind == SourceKind.PRODUCTION
        assert history.record.source_ref == f"prediction:{where}"
        assert history.record.text == loop.sent[(pick.request_id, pick.idx)][0]
        (item,) = history.queued
        assert item["strategy"].startswith(f"production {where}: {pick.kind} (")


def test_the_labels_reach_the_next_release(loop: Loop) -> None:
    assert set(loop.labeled) == {p.record_id for p in loop.queued.picks}
    assert sorted(loop.labeled.values()) == sorted(picked_truths(loop))
    assert loop.release.diff_counts["added"] == QUEUE
    with Store.for_project(loop.project) as store:
        data = load_release(store, loop.release.id)
    released = {rid: label for split in data.splits.values()
                for rid, label in zip(split.ids, split.labels, strict=True)}
    assert {rid: released[rid] for rid in loop.labeled} == loop.labeled


def test_the_retrained_model_wins_on_fresh_shifted_traffic(loop: Loop) -> None:
    texts = [text for text, _ in loop.held_out]
    truth = [label for _, label in loop.held_out]
    assert not set(texts) & {text for text, _ in loop.sent.values()}
    with Store.for_project(loop.project) as store:
        old = [p.label for p in predict(store, loop.old_run, texts)]
        new = [p.label for p in predict(store, loop.new_run, texts)]
    assert accuracy_score(truth, new) >= accuracy_score(truth, old) + 0.05
    assert f1_score(truth, new, average="macro") >= f1_score(truth, old, average="macro") + 0.05
    old_oos, new_oos = (recall_score(truth, got, labels=[OOS], average="macro")
                        for got in (old, new))
    assert old_oos <= 0.1 and new_oos >= 0.3


def test_promotion_passes_the_policy_and_the_server_follows(loop: Loop) -> None:
    decision = loop.decision
    assert decision.promoted and not decision.forced and decision.previous == 1
    uplift = next(rule for rule in decision.rules if rule.rule == "uplift")
    assert uplift.status == "pass"
    assert loop.champion == loop.new_version == decision.version == 2
    assert loop.served_after == {"status": "ready", "model_version": 2, "run": loop.new_run}
