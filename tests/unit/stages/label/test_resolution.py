"""Label resolution: trusted kinds win, majority within a kind, ties to the newest."""

from __future__ import annotations

import time

from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.resolution import current_labels, labeled_records, labels_for, resolve
from textloop.storage import annotation_log


def test_human_beats_import_even_when_outnumbered() -> None:
    votes = [("spam", "import", 1.0), ("spam", "weak", 2.0), ("ham", "human", 0.5)]
    assert resolve(votes) == ("ham", "human")


def test_majority_within_kind_then_newest_on_tie() -> None:
    assert resolve([("a", "human", 1), ("b", "human", 2), ("a", "human", 3)]) == ("a", "human")
    assert resolve([("a", "human", 1), ("b", "human", 2)]) == ("b", "human")


def test_labeled_records_reflect_a_human_relabel(project, store, tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\nwin cash,spam\nhello mum,ham\nfree prize,spam\n")
    import_file(store, project, data, ImportOptions())
    with store.read() as conn:
        before = {r.text: r.label for r in labeled_records(conn)}
    target = next(rid for rid, r in current_labels_of(store).items() if r.label == "ham")
    with store.write() as conn:
        annotation_log.insert(conn, [{"record_id": target, "label": "spam", "kind": "human",
                                   "annotator": "alice", "created_at": time.time()}])
    with store.read() as conn:
        after = {r.text: (r.label, r.label_kind) for r in labeled_records(conn)}
    assert before == {"win cash": "spam", "hello mum": "ham", "free prize": "spam"}
    assert after["hello mum"] == ("spam", "human")
    assert after["win cash"] == ("spam", "import")


def current_labels_of(store):
    with store.read() as conn:
        return current_labels(conn)


def _human(conn, record_id: str, annotator: str, label: str, kind: str = "human") -> None:
    annotation_log.add_one(conn, record_id=record_id, label=label, kind=kind,
                           annotator=annotator)


def _two_records(store, project, tmp_path) -> list[str]:
    data = tmp_path / "u.csv"
    data.write_text("text\n" + "\n".join(f"item {i}" for i in range(40)) + "\n")
    import_file(store, project, data, ImportOptions(label_col=""))
    from textloop.storage import records

    with store.read() as conn:
        return sorted(r.id for r in records.iter_all(conn))


def test_policy_adjudicated_then_majority_then_dawid_skene(project, store, tmp_path) -> None:
    ids = _two_records(store, project, tmp_path)
    with store.write() as conn:
        # a and b always agree on 36 records, c mostly contradicts them: c is unreliable
        for i, rid in enumerate(ids[:36]):
            label = "spam" if i % 2 else "ham"
            _human(conn, rid, "a", label)
            _human(conn, rid, "b", label)
            _human(conn, rid, "c", "ham" if i % 3 else label)
        _human(conn, ids[36], "a", "spam")            # single answer
        _human(conn, ids[37], "a", "spam")
        _human(conn, ids[37], "c", "ham")              # tie a vs c: a is more reliable
        _human(conn, ids[38], "a", "spam")
        _human(conn, ids[38], "b", "ham")
        _human(conn, ids[38], "carol", "ham", kind="adjudicated")
    with store.read() as conn:
        found = current_labels(conn)
    assert found[ids[36]] == ("spam", "human", "labeled by a")
    assert found[ids[1]].reason.startswith("majority 2 of 3") or found[ids[1]].reason.startswith(
        "majority 3 of 3")
    assert found[ids[37]].label == "spam" and found[ids[37]].reason.startswith("Dawid-Skene")
    assert found[ids[38]] == ("ham", "adjudicated", "adjudicated by carol")
    with store.read() as conn:
        no_adjudication = current_labels(conn, policy=["majority", "dawid_skene"])
    assert no_adjudication[ids[38]].reason.startswith("Dawid-Skene")


def test_only_the_latest_answer_of_each_annotator_counts(project, store, tmp_path) -> None:
    ids = _two_records(store, project, tmp_path)
    with store.write() as conn:
        _human(conn, ids[0], "a", "spam")
        _human(conn, ids[0], "a", "ham")   # a changed their mind
        _human(conn, ids[0], "b", "ham")
    with store.read() as conn:
        assert current_labels(conn)[ids[0]] == ("ham", "human", "majority 2 of 2 (a, b)")


def test_a_review_decision_outranks_import_and_annotators(project, store, tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\nwin cash,spam\nhello mum,ham\n")
    import_file(store, project, data, ImportOptions())
    target = next(rid for rid, r in current_labels_of(store).items() if r.label == "ham")
    with store.write() as conn:
        _human(conn, target, "a", "ham")
        _human(conn, target, "b", "ham")
        _human(conn, target, "rita", "spam", kind="review")
    assert current_labels_of(store)[target] == ("spam", "review", "reviewed by rita")
    with store.read() as conn:
        # no adjudicated step in the policy: a review decision still comes first
        assert current_labels(conn, policy=["majority"])[target].kind == "review"
        assert {r.id: r.label_kind for r in labeled_records(conn)}[target] == "review"


def test_the_latest_of_an_adjudication_and_a_review_wins(project, store, tmp_path) -> None:
    ids = _two_records(store, project, tmp_path)
    with store.write() as conn:
        _human(conn, ids[0], "rita", "spam", kind="review")
        _human(conn, ids[0], "carol", "ham", kind="adjudicated")
        _human(conn, ids[1], "carol", "ham", kind="adjudicated")
        _human(conn, ids[1], "rita", "spam", kind="review")
    found = current_labels_of(store)
    assert found[ids[0]] == ("ham", "adjudicated", "adjudicated by carol")
    assert found[ids[1]] == ("spam", "review", "reviewed by rita")


def test_labels_for_a_few_records_match_the_whole_store(project, store, tmp_path) -> None:
    from textloop.stages.label.resolution import labels_for

    ids = _two_records(store, project, tmp_path)
    with store.write() as conn:
        for rid in ids[:10]:  # three annotators: enough for Dawid-Skene to learn from
            _human(conn, rid, "a", "spam")
            _human(conn, rid, "b", "spam")
            _human(conn, rid, "c", "spam")
        _human(conn, ids[10], "a", "spam")
        _human(conn, ids[10], "b", "ham")  # a tie: decided by Dawid-Skene over all records
        _human(conn, ids[11], "rita", "ham", kind="review")
        annotation_log.add_one(conn, record_id=ids[12], label="ham", kind="weak",
                               annotator="rule")
    whole = current_labels_of(store)
    with store.read() as conn:
        few = labels_for(conn, [ids[10], ids[11], ids[12], ids[13]])
    assert few == {rid: whole[rid] for rid in ids[10:13]}
    assert few[ids[10]].reason.startswith("Dawid-Skene")


def test_two_annotator_ties_stay_undecided_and_wait_for_adjudication(project, store,
                                                                     tmp_path) -> None:
    """With two annotators nothing tells who is right on a 1:1 split (only how often they
    agree), so Dawid-Skene must not settle ties for one of them: they wait for a person."""
    from textloop.stages.label.queue import disputes

    ids = _two_records(store, project, tmp_path)
    with store.write() as conn:
        for i, rid in enumerate(ids[:30]):  # careful and noisy agree on 30 records
            _human(conn, rid, "careful", "spam" if i % 2 else "ham")
            _human(conn, rid, "noisy", "spam" if i % 2 else "ham")
        for rid in ids[30:34]:  # and split on 4
            _human(conn, rid, "careful", "ham")
            _human(conn, rid, "noisy", "spam")
        import_rid = ids[34]  # a tie on a record that also carries a weak label
        annotation_log.add_one(conn, record_id=import_rid, label="spam", kind="weak",
                               annotator="rule")
        _human(conn, import_rid, "careful", "ham")
        _human(conn, import_rid, "noisy", "spam")
    found = current_labels_of(store)
    tied = [*ids[30:34], import_rid]
    assert not any(rid in found for rid in tied)  # no final label, not even the weak one
    assert found[ids[1]] == ("spam", "human", "majority 2 of 2 (careful, noisy)")
    assert {d.record_id for d in disputes(store)} == set(tied)
    with store.read() as conn:
        assert labels_for(conn, tied) == {}
        assert not {r.id for r in labeled_records(conn)} & set(tied)  # out of releases
        # the same without Dawid-Skene in the policy: no alphabetical coin flip either
        assert not set(tied) & set(current_labels(conn, policy=["adjudicated", "majority"]))


def test_span_answers_resolve_span_by_span_and_ties_wait(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import import_texts, span_project
    from textloop.spans import Span, decode_spans, encode_spans
    from textloop.stages.label.queue import adjudicate
    from textloop.storage import Store
    from textloop.tasks.spans import SPANS

    project = span_project(tmp_path / "ner")
    # three annotators on record 0; two who differ on record 1; two who agree on record 2
    given = [{"ann": [(0, 5, "PER"), (17, 22, "LOC")], "ben": [(0, 5, "PER")],
              "cat": [(0, 5, "PER"), (17, 22, "LOC"), (10, 13, "ORG")]},
             {"ann": [(0, 4, "ORG")], "ben": []},
             {"ann": [(0, 3, "PER")], "ben": [(0, 3, "PER")]}]
    policy = ("adjudicated", "majority", "dawid_skene")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path,
                           ["Alice met Bob in Paris", "Acme hired Dana", "Eve"])
        with store.write() as conn:
            for rid, answers in zip(ids, given, strict=True):
                for who, spans in answers.items():
                    annotation_log.add_one(conn, record_id=rid, kind="human", annotator=who,
                                           label=encode_spans(Span(*s) for s in spans))
        with store.read() as conn:
            found = current_labels(conn, policy, task=SPANS)
            one = labels_for(conn, [ids[1]], policy, task=SPANS)
        assert decode_spans(found[ids[0]].label) == [Span(0, 5, "PER"), Span(17, 22, "LOC")]
        assert found[ids[0]].kind == "human"
        assert found[ids[0]].reason == "span majority of 3 (ann, ben, cat): 2 spans kept, 1 dropped"
        assert ids[1] not in found and one == {}  # a tie: no Dawid-Skene for span lists
        assert found[ids[2]].reason == "majority 2 of 2 (ann, ben)"
        adjudicate(store, project, "judge", ids[1], reason="Acme is a company",
                   spans=[Span(0, 4, "ORG")])
        with store.read() as conn:
            decided = current_labels(conn, policy, task=SPANS)[ids[1]]
    assert (decoded := decode_spans(decided.label)) == [Span(0, 4, "ORG")]
    assert (decided.kind, decided.reason) == ("adjudicated", "adjudicated by judge"), decoded
