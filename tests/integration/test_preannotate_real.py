"""LLM pre-annotation on real tweets (WNUT-17 dev: user names, URLs, emoji), against a
scripted OpenAI-compatible server on 127.0.0.1 that answers each text's gold mentions as
quoted text: locating the quoted mentions in the stored text must give back the gold spans,
offsets and all, and only repeat a mention where the text repeats it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_data
from tests.unit.strategies.synth.chat_server import ChatServer
from textloop.config import SuggestLLMSettings
from textloop.spans import decode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label import preannotate, suggest_spans
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, queue, records

pytestmark = pytest.mark.integration

QUEUED = 200


def test_quoted_gold_mentions_come_back_as_the_gold_spans(tmp_path, chat_server: ChatServer
                                                          ) -> None:
    project = init_project(tmp_path / "wnut", labels=[], task="spans")
    with Store.for_project(project) as store:
        import_file(store, project, shared_data("spans", "wnut17", "dev.conll"),
                    ImportOptions(add_labels=True))
        with store.read() as conn:
            texts = {r.id: r.text for r in records.iter_all(conn)}
            gold = {rid: decode_spans(value) for rid, value, _, _ in
                    annotation_log.iter_votes(conn)}
        with_spans = sorted(rid for rid, spans in gold.items() if spans)
        answered, waiting = with_spans[:3], with_spans[3:3 + QUEUED]
        with store.write() as conn:  # three records as an annotator answered them
            for rid in answered:
                annotation_log.add_one(conn, record_id=rid, kind="human", annotator="ana",
                                       label=json.dumps([s.to_dict() for s in gold[rid]]))
            queue.enqueue(conn, [{"record_id": rid, "priority": 1.0, "strategy": "test",
                                  "batch_id": "b1", "overlap": 1, "suggestion": None,
                                  "confidence": None} for rid in waiting])
        chat_server.replies = [json.dumps({"mentions": [
            {"text": texts[rid][s.start:s.end], "label": s.label} for s in gold[rid]]},
            ensure_ascii=False) for rid in waiting]
        project.spec.labeling.suggest_llm = SuggestLLMSettings(
            base_url=chat_server.base_url, model="oracle", max_retries=0)
        result = preannotate(store, project)
        assert (result.asked, result.dropped, sorted(result.examples)) == (QUEUED, {}, answered)

        found = exact = extra = 0
        for rid in waiting:
            suggested = {s.span for s in suggest_spans(store, project, texts[rid])}
            found += len(set(gold[rid]) & suggested)
            exact += set(gold[rid]) == suggested
            for span in suggested - set(gold[rid]):  # only a repeat of a gold mention
                assert texts[rid][span.start:span.end] in {
                    texts[rid][g.start:g.end] for g in gold[rid]}
                extra += 1
        total = sum(len(gold[rid]) for rid in waiting)
        print(f"\nWNUT-17 dev, {QUEUED} texts: {found}/{total} gold spans located, "
              f"{exact} texts exact, {extra} extra spans (repeated mentions)")
        assert found == total
        assert exact >= QUEUED * 0.95
