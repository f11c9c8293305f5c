"""The main path on real data with the embedding model: import → release → train → evaluate.

Also checks the store's embedding cache at stage level: a second model on the same release
embeds nothing new, and evaluation reuses what training computed for shared texts.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import shared_data
from textloop.config import Label
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.predict.prediction import predict
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.stages.train.training import train
from textloop.storage import Store
from textloop.storage.schema import embeddings

pytestmark = [pytest.mark.integration, pytest.mark.model]


def cached_vectors(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(embeddings)).scalar_one()


def sms_subset(tmp_path: Path, n: int = 1500) -> Path:
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][:n]
    path = tmp_path / "sms.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_embedding_baseline_end_to_end_on_sms_spam(tmp_path: Path) -> None:
    project = init_project(tmp_path / "sms", labels=[Label(name="spam"), Label(name="ham")],
                           score_labels=["spam"])
    with Store.for_project(project) as store:
        imported = import_file(store, project, sms_subset(tmp_path), ImportOptions())
        release = create_release(store, project)
        assert cached_vectors(store) == 0

        first = train(store, project, model="embed-lr", release=release.id)
        after_train = cached_vectors(store)
        assert after_train == release.counts["train"] + release.counts["validation"]
        assert first.metrics["val/macro_f1"] > 0.85

        evaluated = evaluate_run(store, project, first.run_name)
        assert cached_vectors(store) == imported.records_new  # test split added, once
        assert evaluated.metrics["macro_f1"] > 0.85

        train(store, project, model="embed-lr", release=release.id, params={"C": 3.0})
        assert cached_vectors(store) == imported.records_new  # nothing embedded twice

        spam, ham = predict(store, first.run_name, [
            "URGENT! You have won a 1 week FREE membership. Txt WIN to 80086 now",
            "Ok, I'll be home in ten minutes, see you soon"])
    assert (spam.label, ham.label) == ("spam", "ham")
    assert spam.band in {"block", "review"} and ham.band == "allow"
