"""Reading a batch for review: classes, status filters, the item shown and its seeds, and a
decision moving on to the next item."""

from __future__ import annotations

import pytest

from tests.unit.stages.clean.clean_fixtures import import_rows
from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.label.resolution import labeled_records
from textloop.stages.synthesize.browse import Query, batch_page, decide_item, focus
from textloop.stages.synthesize.decisions import decide
from textloop.storage import records, synth


def mixed(store) -> str:
    """ham first in the batch, spam second in the project's labels: classes follow the
    project's order (spam, ham), items keep their numbers."""
    return stored_batch(store, [
        candidate("home by six tonight", label="ham"),                               # 1
        candidate("win a prize now"),                                                # 2
        candidate("win", status="rejected", reason="too-short"),                     # 3
        candidate("win a prize now!", status="rejected", reason="near-duplicate"),   # 4
        candidate("claim your cash", status="rejected", reason="too-short"),         # 5
        candidate("cheap loans today"),                                              # 6
    ])


def shown(page) -> int | None:
    return page.shown.item["n"] if page.shown else None


def test_no_batch_yet_is_an_empty_page(store, project) -> None:
    page = batch_page(store, project.spec, Query())
    assert page.batch is None and page.shown is None and page.classes == []


def test_classes_follow_the_project_and_the_first_item_is_shown(store, project) -> None:
    batch = mixed(store)
    page = batch_page(store, project.spec, Query())
    assert [(c.label, c.total, c.accepted, c.rejected, c.decided) for c in page.classes] == [
        ("spam", 5, 2, 3, 0), ("ham", 1, 1, 0, 0)]
    assert page.query == Query(batch=batch, label="spam", status="all", item=2)
    assert (shown(page), page.shown.position, page.shown.previous, page.shown.next) == (
        2, 1, None, 3)
    assert page.statuses == [("all", 5), ("accepted", 2), ("rejected", 3),
                             ("rejected:too-short", 2), ("rejected:near-duplicate", 1),
                             ("undecided", 5)]
    ham = batch_page(store, project.spec, Query(label="ham"))
    assert [i["n"] for i in ham.listed] == [1] and ham.shown.next is None


def test_status_filters_narrow_the_class(store, project) -> None:
    batch = mixed(store)
    decide(store, batch, "accepted", actor="ana", items=[5])

    def numbers(status: str) -> list[int]:
        return [i["n"] for i in batch_page(store, project.spec,
                                           Query(label="spam", status=status)).listed]

    assert numbers("accepted") == [2, 6]
    assert numbers("rejected") == [3, 4, 5]
    assert numbers("rejected:too-short") == [3, 5]
    assert numbers("rejected:contamination") == []
    assert numbers("decided") == [5]
    assert numbers("undecided") == [2, 3, 4, 6]
    page = batch_page(store, project.spec, Query(label="spam", status="decided"))
    assert page.classes[0].decided == 1 and ("decided", 1) in page.statuses


def test_unknown_filters_are_refused(store, project) -> None:
    mixed(store)
    with pytest.raises(InvalidInputError, match="unknown status filter 'maybe'"):
        batch_page(store, project.spec, Query(status="maybe"))
    with pytest.raises(NotFoundError, match="batch s1 has no items of class 'other' "
                                            r"\(classes: spam, ham\)"):
        batch_page(store, project.spec, Query(label="other"))
    with pytest.raises(NotFoundError, match="no synthetic batch 's9'"):
        batch_page(store, project.spec, Query(batch="s9"))


def test_an_item_that_no_longer_matches_gives_way_to_the_nearest_before_it() -> None:
    assert focus([2, 5, 9], 5, after=False) == 1
    assert focus([2, 5, 9], 6, after=False) == 1   # 6 left the filter: 5 is shown
    assert focus([2, 5, 9], 1, after=False) == 0   # nothing before it: the first
    assert focus([2, 5, 9], 5, after=True) == 2
    assert focus([2, 5, 9], 9, after=True) == 2    # the last stays in view
    assert focus([2, 5, 9], None, after=True) == 0
    assert focus([], 3, after=False) is None


def test_seeds_are_read_from_the_store_and_textloop_yaml(store, project, tmp_path) -> None:
    import_rows(store, project, tmp_path, [("free entry to win", "spam")])
    with store.read() as conn:
        (real,) = [r.id for r in records.iter_all(conn)]
    project.spec.labels[0].seeds = ["txt WIN to 80085"]
    refs = [real, "textloop.yaml:labels.0.seeds.0", "textloop.yaml:labels.0.seeds.4",
            "rffffffffffffffff"]
    stored_batch(store, [{**candidate("win big"), "seed_ids": refs}])
    seeds = batch_page(store, project.spec, Query()).shown.seeds
    assert [(s.ref, s.text) for s in seeds] == [
        (real, "free entry to win"), (refs[1], "txt WIN to 80085"), (refs[2], None),
        (refs[3], None)]


def test_a_decision_is_stored_and_the_page_moves_on(store, project) -> None:
    batch = mixed(store)
    done = decide_item(store, project.spec, Query(batch=batch, label="spam", item=3),
                       "accepted", actor="judge")
    assert (done.item["decision"], done.item["decided_by"]) == ("accepted", "judge")
    assert done.waits_for_batch and not done.skipped
    assert shown(done.page) == 4
    decide(store, batch, "accepted", actor="ana")
    last = decide_item(store, project.spec, Query(batch=batch, label="spam", item=6),
                       "rejected", actor="judge")
    assert shown(last.page) == 6 and not last.page.shown.included
    assert not last.waits_for_batch
    with store.read() as conn:
        released = {r.text for r in labeled_records(conn)}
        assert synth.items(conn, batch, [6])[0]["decision"] == "rejected"
    assert released == {"home by six tonight", "win a prize now", "win"}


def test_deciding_under_undecided_shows_the_next_undecided(store, project) -> None:
    batch = mixed(store)
    query = Query(batch=batch, label="spam", status="undecided", item=6)
    done = decide_item(store, project.spec, query, "rejected", actor="judge")
    assert shown(done.page) == 5  # 6 left the filter and was the last: the one before
    assert [i["n"] for i in done.page.listed] == [2, 3, 4, 5]


def test_long_classes_list_a_window_around_the_item(store, project) -> None:
    stored_batch(store, [candidate(f"offer number {i}") for i in range(1, 81)])
    page = batch_page(store, project.spec, Query(item=40))
    assert (page.hidden_before, page.hidden_after) == (14, 15)
    assert [i["n"] for i in page.listed] == list(range(15, 66))
