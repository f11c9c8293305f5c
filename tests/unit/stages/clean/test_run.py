"""``clean`` over a store: findings stored for review, the report written, redaction."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.unit.stages.clean.clean_fixtures import (
    clean_here_and_on_ray,
    flip,
    import_rows,
    rows,
    seen,
)
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.clean import CleanOptions, clean
from textloop.stages.release import create_release, load_release
from textloop.storage import findings

FAST = CleanOptions(models=("tfidf-lr",), use_embeddings=False)
EXTRA = [("<script>alert('x')</script> Win cash now, mail prize@example.com", "spam"),
         ("<SCRIPT>alert('x')</SCRIPT> WIN cash now,  mail prize@example.com", "ham"),
         ("card 4111 1111 1111 1111 and order 1234567812345678", "ham"),
         ("@@@@ #### !!!! ????", "ham")]


@pytest.fixture
def cleaned(project, store, tmp_path):
    data, flipped = flip(rows(120), 10)
    import_rows(store, project, tmp_path, data + EXTRA)
    create_release(store, project)
    return clean(store, project, FAST), flipped


def test_findings_are_stored_for_the_review_queue(cleaned, store) -> None:
    result, _ = cleaned
    with store.read() as conn:
        run = findings.get(conn, "latest")
        stored = findings.list_for(conn, run["id"])
    assert run["id"] == result.cleaning_id == "c1"
    assert run["report_path"] == "cleanings/c1"
    assert len(stored) == len(result.findings)
    assert {f["status"] for f in stored} == {"open"}
    assert run["summary"]["findings"] == result.counts()


def test_each_kind_is_found_on_the_constructed_records(cleaned) -> None:
    result, flipped = cleaned
    counts = result.counts()
    flagged = {f.record_id for f in result.findings if f.kind == "label_issue"}
    assert len(flagged) >= 0.6 * len(flipped)
    assert counts["conflict"] == 2 and counts["duplicate"] == 1
    assert counts["garbage"] == 1
    assert result.pii["matches"]["email"] == 2 and result.pii["matches"]["card"] == 1
    assert result.leakage["checked"] is True
    card = next(f for f in result.findings if f.kind == "pii" and "card" in f.details["kinds"])
    assert "4111" not in json.dumps(card.details)  # spans and kinds, never the value


def test_the_report_escapes_texts_and_the_json_is_complete(cleaned) -> None:
    result, _ = cleaned
    html = result.report_html.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    data = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert len(data["findings"]) == len(result.findings)
    assert data["summary"]["label_issues"]["per_class"].keys() == {"spam", "ham"}


def test_redact_writes_a_new_release_with_placeholders(project, store, tmp_path) -> None:
    import_rows(store, project, tmp_path, rows(60) + EXTRA)
    first = create_release(store, project)
    result = clean(store, project, FAST, redact=True)
    assert result.redacted_release == "v2"
    data = load_release(store, "v2")
    texts = [t for s in data.splits.values() for t in s.texts]
    assert not any("prize@example.com" in t or "4111 1111" in t for t in texts)
    assert sum("[EMAIL]" in t for t in texts) == 2
    assert any("[CARD] and order 1234567812345678" in t for t in texts)
    before = pd.read_parquet(first.path / "train.parquet")["id"].tolist()
    assert set(data.train.ids) == set(before)  # records keep their split


def test_a_store_without_labeled_records_is_refused(project, store) -> None:
    with pytest.raises(InvalidInputError, match="no labeled records") as info:
        clean(store, project, FAST)
    assert "textloop import" in (info.value.hint or "")


def test_a_single_class_is_refused(project, store, tmp_path) -> None:
    import_rows(store, project, tmp_path, [(t, "spam") for t, _ in rows(20)])
    with pytest.raises(InvalidInputError, match="same label"):
        clean(store, project, FAST)


def test_label_issues_carry_their_nearest_labeled_neighbours(cleaned, store) -> None:
    from collections import Counter

    from textloop.stages.label.resolution import current_labels

    result, _ = cleaned
    with store.read() as conn:
        given = {rid: r.label for rid, r in current_labels(conn).items()}
    issues = [f for f in result.findings if f.kind == "label_issue"]
    assert issues
    for issue in issues:
        neighbours = issue.details["neighbours"]
        assert issue.details["neighbour_space"] == "tfidf"  # the run did not embed
        assert 0 < len(neighbours) <= 5
        assert issue.record_id not in {rid for rid, _ in neighbours}
        similarities = [s for _, s in neighbours]
        assert similarities == sorted(similarities, reverse=True)
    # the neighbours' labels are the evidence: mostly they carry the suggested label
    agree = [Counter(given[rid] for rid, _ in f.details["neighbours"]).most_common(1)[0][0]
             == f.details["suggested"] for f in issues]
    assert sum(agree) >= 0.8 * len(issues)
    assert not any("neighbours" in f.details for f in result.findings if f.kind == "pii")


URLS = [("Win cash now at http://win.example.com/claim today", "spam"),
        ("Claim your prize www.prizes.example.net/now, mail prize@example.com", "spam")]


def test_expected_personal_data_kinds_are_neither_flagged_nor_redacted(project, store,
                                                                       tmp_path) -> None:
    from textloop.config import PiiSettings

    project.spec.clean.pii = PiiSettings(expected=["url"])
    import_rows(store, project, tmp_path, rows(60) + URLS)
    create_release(store, project)
    result = clean(store, project, FAST, redact=True)
    flagged = [f for f in result.findings if f.kind == "pii"]
    assert [sorted(f.details["kinds"]) for f in flagged] == [["email"]]
    assert "url" not in result.pii["matches"] and result.pii["expected"] == ["url"]
    html = result.report_html.read_text(encoding="utf-8")
    assert 'id="pii-expected"' in html and "clean.pii.expected" in html
    texts = [t for s in load_release(store, result.redacted_release).splits.values()
             for t in s.texts]
    assert any("http://win.example.com/claim" in t for t in texts)  # the signal stays
    assert any("www.prizes.example.net/now, mail [EMAIL]" in t for t in texts)


def test_a_korean_project_finds_short_comments_differing_by_a_particle(
        project, store, tmp_path) -> None:
    """The project's language reaches the near-duplicate shingles (character pairs)."""
    project.spec.language = "ko"
    project.save()
    pairs = [("오늘 본 영화가 정말 재밌었어요", "오늘 본 영화는 정말 재밌었어요"),
             ("이 노래가 요즘 제일 좋아요", "이 노래는 요즘 제일 좋아요")]
    korean = [(text, "ham") for pair in pairs for text in pair]
    import_rows(store, project, tmp_path, rows(60) + korean)
    create_release(store, project)
    result = clean(store, project, FAST)
    grouped = [{sample["text"] for sample in c["samples"]} for c in result.clusters]
    for pair in pairs:
        assert any(set(pair) <= members for members in grouped), (pair, grouped)


def test_label_issues_carry_the_chance_their_label_is_wrong(cleaned, store) -> None:
    result, _ = cleaned
    precision = result.summary()["label_issues"]["precision"]
    issues = [f for f in result.findings if f.kind == "label_issue"]
    chances = [f.details["error_probability"] for f in issues]
    assert all(0.0 <= c <= 1.0 for c in chances)
    assert precision["expected_precision"] == pytest.approx(sum(chances) / len(chances),
                                                           abs=1e-3)
    assert 0.0 < precision["noise_rate"] < 0.5
    per_class = result.summary()["label_issues"]["per_class"]
    assert set(per_class["spam"]) >= {"noise_rate", "model_error_rate"}
    html = result.report_html.read_text(encoding="utf-8")
    assert 'id="flag-precision"' in html and "Expected precision of the flags" in html


def test_min_precision_from_textloop_yaml_flags_fewer_as_it_rises(project, store,
                                                                  tmp_path) -> None:
    data, _ = flip(rows(120), 6)
    import_rows(store, project, tmp_path, data)
    flagged = {}
    for target in (0.5, 0.95):
        project.spec.clean.min_precision = target
        result = clean(store, project, FAST)
        precision = result.summary()["label_issues"]["precision"]
        assert result.config["min_precision"] == precision["min_precision"] == target
        assert precision["expected_precision"] is None or (
            precision["expected_precision"] >= target)
        flagged[target] = {f.record_id for f in result.findings if f.kind == "label_issue"}
    assert flagged[0.95] < flagged[0.5]


def test_an_impossible_min_precision_is_refused_before_any_work(project, store,
                                                                tmp_path) -> None:
    import_rows(store, project, tmp_path, rows(40))
    with pytest.raises(InvalidInputError, match=r"--min-precision is 1\.5") as info:
        clean(store, project, CleanOptions(models=("tfidf-lr",), use_embeddings=False,
                                           min_precision=1.5))
    assert info.value.hint
    with store.read() as conn, pytest.raises(NotFoundError):
        findings.get(conn, "latest")  # nothing was stored


@pytest.mark.slow
@pytest.mark.model
def test_findings_on_ray_match_local_for_the_same_seed(project, store, tmp_path,
                                                       ray_cluster) -> None:
    data, _ = flip(rows(120), 10)
    import_rows(store, project, tmp_path, data + EXTRA)
    options = CleanOptions(seed=3)  # embed-lr and tfidf-lr views, neighbours: the default
    local, remote = clean_here_and_on_ray(store, project, options, ray_cluster)
    assert any(f.kind == "label_issue" for f in local.findings)
    assert seen(remote) == seen(local)
    assert remote.labels.quality == local.labels.quality
    assert remote.labels.flagged == local.labels.flagged


def test_an_unknown_executor_is_refused_before_any_work(project, store, tmp_path) -> None:
    from textloop.errors import ConfigError

    import_rows(store, project, tmp_path, rows(20))
    with pytest.raises(ConfigError, match="unknown executor 'spark'"):
        clean(store, project, FAST, executor="spark")
    with store.read() as conn, pytest.raises(NotFoundError):
        findings.get(conn, "latest")  # no cleaning run was stored
