"""The synthetic page: empty state, roles, CSRF, what an item shows, filters, decisions
stored through the CLI's function, and escaping of generated text."""

from __future__ import annotations

import re

from tests.unit.web.synth_fixtures import GONE, HOSTILE, SEEDS, SynthBatch, synth_batch
from tests.unit.web.webapp import Web
from textloop.stages.label.resolution import labeled_records
from textloop.stages.synthesize.decisions import decide
from textloop.storage import synth

ITEM = re.compile(r'data-item="(\d+)"')


def shown(text: str) -> int | None:
    found = ITEM.search(text)
    return int(found.group(1)) if found else None


def stored(web: Web, batch: SynthBatch, n: int) -> dict:
    with web.store.read() as conn:
        return synth.items(conn, batch.id, [n])[0]


def decision(batch: SynthBatch, n: int, choice: str, **extra: str) -> dict:
    return {"batch": batch.id, "item": n, "decision": choice, "label": "spam", **extra}


def test_without_a_batch_the_page_says_to_run_synth(web: Web) -> None:
    page = web.sign_in("anna").get("/synth")
    assert page.status_code == 200 and 'id="no-batches"' in page.text
    assert "Run <code>textloop synth</code>" in page.text


def test_annotators_read_but_cannot_decide(web: Web) -> None:
    batch = synth_batch(web)
    anna = web.sign_in("anna")
    page = anna.get("/synth")
    assert page.status_code == 200 and 'href="/synth" aria-current="page"' in page.text
    assert shown(page.text) == 1 and 'data-key="j"' in page.text
    assert 'data-key="a"' not in page.text and "/synth/decide" not in page.text
    refused = anna.post("/synth/decide", decision(batch, 1, "accepted"))
    assert refused.status_code == 403
    assert "adjudicator or admin" in refused.json()["error"]["message"]
    assert stored(web, batch, 1)["decision"] is None


def test_a_decision_without_the_csrf_token_is_refused(web: Web) -> None:
    batch = synth_batch(web)
    judge = web.sign_in("judge", "adjudicator")
    assert judge.post("/synth/decide", decision(batch, 1, "accepted"),
                      csrf=False).status_code == 403
    assert stored(web, batch, 1)["decision"] is None


def test_an_item_shows_its_gate_verdict_provenance_and_seed_texts(web: Web) -> None:
    batch = synth_batch(web)
    page = web.sign_in("judge", "adjudicator").get("/synth", params={"item": 2}).text
    assert shown(page) == 2 and "2 of 4 matching" in page
    assert 'rejected: <strong class="reason">near-duplicate-of-real</strong>' in page
    assert f"Jaccard 0.92 with record {batch.seed_ids[0]}" in page
    assert "score: jaccard</th><td>0.920" in page
    assert "<code>qwen2.5-0.5b-instruct</code>" in page
    assert "<code>textloop.synth.prompt.v1</code>" in page
    assert "param: temperature</th><td>0.700" in page
    assert SEEDS[0][0] in page and SEEDS[1][0] in page and SEEDS[2][0] not in page
    assert 'data-key="a"' in page and 'data-key="r"' in page
    assert 'data-key="k"' in page and 'data-key="j"' in page  # items 1 and 3 around it


def test_browsing_by_class_and_status(web: Web) -> None:
    batch = synth_batch(web)
    judge = web.sign_in("judge", "adjudicator")
    ham = judge.get("/synth", params={"batch": batch.id, "label": "ham"}).text
    assert shown(ham) == 5 and SEEDS[2][0] in ham
    assert f"<code>{GONE}</code></td><td><span class=\"muted\">no longer in the store" in ham
    short = judge.get("/synth/panel", params={"label": "spam", "status": "rejected:too-short"})
    assert shown(short.text) == 4 and "<html" not in short.text
    assert "1 of 1 matching" in short.text
    none = judge.get("/synth", params={"label": "ham", "status": "rejected"}).text
    assert shown(none) is None and "No <span class=\"label\">ham</span> items of s1" in none


def test_bad_filters_answer_with_the_error(web: Web) -> None:
    synth_batch(web)
    judge = web.sign_in("judge", "adjudicator")
    assert judge.get("/synth", params={"batch": "s7"}).status_code == 404
    assert judge.get("/synth", params={"label": "other"}).status_code == 404
    unknown = judge.get("/synth", params={"status": "maybe"})
    assert unknown.status_code == 422 and "unknown status filter" in unknown.text
    assert judge.get("/synth", params={"batch": "x;1"}).status_code == 422


def test_accept_and_reject_are_stored_and_the_next_item_follows(web: Web) -> None:
    batch = synth_batch(web)
    judge = web.sign_in("judge", "adjudicator")
    accepted = judge.post("/synth/decide", decision(batch, 2, "accepted"))
    assert accepted.status_code == 200 and shown(accepted.text) == 3
    assert accepted.headers["hx-push-url"] == "/synth?batch=s1&label=spam&status=all&item=3"
    assert "Accepted item 2 of s1 (spam). It counts once the batch is accepted" in (
        accepted.text)
    assert (stored(web, batch, 2)["decision"], stored(web, batch, 2)["decided_by"]) == (
        "accepted", "judge")
    decide(web.store, batch.id, "accepted", actor="root")  # as `textloop synth accept s1`
    rejected = judge.post("/synth/decide", decision(batch, 1, "rejected"))
    assert "Rejected item 1 of s1 (spam): it is left out." in rejected.text
    assert stored(web, batch, 1)["decision"] == "rejected"
    with web.store.read() as conn:
        released = {r.text for r in labeled_records(conn) if r.source_kind == "synthetic"}
    assert released == {"Win a free cruise, text YES now!", HOSTILE,
                        "Running a bit late, go ahead without me"}


def test_unknown_items_and_decisions_are_refused(web: Web) -> None:
    batch = synth_batch(web)
    judge = web.sign_in("judge", "adjudicator")
    missing = judge.post("/synth/decide", decision(batch, 9, "accepted"))
    assert missing.status_code == 422 and "batch s1 has no item 9" in missing.text
    assert judge.post("/synth/decide", decision(batch, 1, "maybe")).status_code == 422


def test_generated_text_is_escaped(web: Web) -> None:
    synth_batch(web)
    page = web.sign_in("judge", "adjudicator").get("/synth", params={"item": 3}).text
    assert shown(page) == 3
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    # the item shown and its line in the item list
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                      ) == 2


def test_the_batch_decision_shows_why_escaped(web: Web) -> None:
    batch = synth_batch(web)
    with web.store.write() as conn:
        synth.decide_batch(conn, batch.id, "held_back", actor="evaluation",
                           reason="'<b>ham</b>' loses 0.050 F1 (at most 0.010 allowed)")
    page = web.sign_in("anna").get("/synth").text
    assert 'id="batch-decision">held back by evaluation' in page
    assert ('id="batch-reason">&#39;&lt;b&gt;ham&lt;/b&gt;&#39; loses 0.050 F1 (at most 0.010 '
            'allowed)') in page
