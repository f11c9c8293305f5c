"""``clean`` on a span project: out-of-fold token probabilities turned into span findings.

The corpus (``span_clean_fixtures``) has one planted error of each kind; each must come out
as a finding of that kind on its record, naming the planted span and the right fix, among
the most suspicious findings. Bad input is refused before any model is fitted."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.clean.span_clean_fixtures import span_clean_project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.spans import Span
from textloop.stages.clean import CleanOptions, clean
from textloop.storage import Store, findings

pytestmark = pytest.mark.model

OPTIONS = CleanOptions(folds=3, use_embeddings=False, release=None)
SPAN_KINDS = ("missing_span", "spurious_span", "wrong_type", "wrong_boundary")


def _span(shown: dict | None) -> Span | None:
    return None if shown is None else Span(shown["start"], shown["end"], shown["label"])


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    project, ids, planted = span_clean_project(tmp_path_factory.mktemp("spans"))
    with Store.for_project(project) as store:
        result = clean(store, project, OPTIONS)
        with store.read() as conn:
            stored = findings.list_for(conn, result.cleaning_id)
    return result, stored, ids, planted


def test_each_planted_error_is_found_with_its_kind_and_fix(cleaned) -> None:
    result, stored, ids, planted = cleaned
    span_findings = [f for f in result.findings if f.kind in SPAN_KINDS]
    ranked = result.labels.ranked
    for error in planted:
        # a removal is never flagged by span-confident (a weak model's "remove" is mostly
        # its own miss): it stays reachable, ranked
        where = ranked if error.kind == "spurious_span" else span_findings
        mine = [f for f in where if f.record_id == ids[error.text]]
        assert [f.kind for f in mine] == [error.kind], error.text
        (finding,) = mine
        assert _span(finding.details["given"]) == error.fix_given
        assert _span(finding.details["suggested"]) == error.fix_suggested
        assert finding.details["flagged"] is (where is span_findings)
    # the flagged planted errors are the most suspicious span findings (lowest label quality)
    flagged = {ids[error.text] for error in planted if error.kind != "spurious_span"}
    assert {f.record_id for f in span_findings[:len(flagged)]} == flagged
    # the review queue holds only what was flagged; the report's JSON holds the ranking too
    assert len([row for row in stored if row["kind"] in SPAN_KINDS]) == len(span_findings)
    saved = json.loads(result.report_json.read_text())
    assert [f["record_id"] for f in saved["ranked_not_flagged"]] == [f.record_id for f in ranked]
    assert all(not f["details"]["flagged"] for f in saved["ranked_not_flagged"])


def test_findings_carry_token_probabilities_and_same_string_examples(cleaned) -> None:
    result, _, ids, planted = cleaned
    typed = next(p for p in planted if p.kind == "wrong_type")  # Berlin given as PER
    finding = next(f for f in result.findings
                   if f.kind == "wrong_type" and f.record_id == ids[typed.text])
    (token,) = finding.details["tokens"]
    assert token["text"] == "Berlin" and token["given"] == "PER" and token["suggested"] == "LOC"
    assert token["flagged"] and token["p_suggested"] > 0.5 > token["p_given"]
    assert finding.score == token["quality"] == pytest.approx(token["p_given"], abs=1e-4)
    same = finding.details["same_surface"]
    assert same["text"] == "Berlin" and same["counts"] == {"LOC": 7}
    assert all(label == "LOC" and rid != ids[typed.text] for rid, label in same["examples"])
    assert 0.0 <= finding.details["sentence_quality"] <= finding.score + 1e-9


def test_a_string_typed_two_ways_is_one_finding_suggesting_the_majority(cleaned) -> None:
    result, _, ids, planted = cleaned
    (finding,) = [f for f in result.findings if f.kind == "inconsistent_type"]
    typed = next(p for p in planted if p.kind == "wrong_type")
    assert finding.record_id == ids[typed.text]
    assert finding.details["surface"] == "Berlin"
    assert finding.details["counts"] == {"LOC": 7, "PER": 1}
    assert finding.details["records"]["PER"] == [ids[typed.text]]
    assert len(finding.details["records"]["LOC"]) == 7
    assert finding.details["suggested"]["label"] == "LOC"
    assert finding.score == pytest.approx(7 / 8, abs=1e-4)


def test_the_summary_speaks_of_span_types_and_is_stored(cleaned) -> None:
    result, stored, ids, planted = cleaned
    summary = result.summary()
    labels = summary["label_issues"]
    assert result.classes == ["PER", "LOC"] and labels["unit"] == "spans"
    assert labels["method"] == "textloop.cleaning.span-confident.v1"
    assert result.config["method"] == "textloop.cleaning.span-confident.v1"
    assert labels["ranked_not_flagged"] == len(result.labels.ranked) >= 1
    assert labels["baseline_findings"] >= len(result.labels.flagged)
    assert result.config["models"] == ["textloop.model.minilm-crf.v1"]
    assert set(labels["per_class"]) == {"PER", "LOC"}
    assert labels["per_class"]["LOC"]["n"] == sum(
        1 for p in planted for s in p.given if s.label == "LOC") + 56
    flagged = {ids[p.text] for p in planted if p.kind != "spurious_span"}
    assert flagged <= set(result.labels.flagged)
    # worst-token quality ranks every record; the planted ones at the bottom (the spurious
    # span's record among them, ranked though not flagged)
    ranked = sorted(zip(result.labels.quality, [r for r in result.labels.is_flagged],
                        strict=True))
    assert sum(flag for _, flag in ranked[:len(planted)]) == len(flagged)
    assert {row["kind"] for row in stored} >= set(SPAN_KINDS) - {"spurious_span"}
    assert json.loads(result.report_json.read_text())["summary"]["label_issues"]["unit"] \
        == "spans"


def test_the_report_shows_span_findings_with_escaped_highlighted_text(cleaned) -> None:
    result, *_ = cleaned
    html = result.report_html.read_text(encoding="utf-8")
    assert "Span label errors" in html
    assert ('<mark class="given suggested">Lisbon</mark><mark class="given"> yesterday</mark>'
            in html)
    assert '<mark class="suggested">Prague</mark>' in html


def test_a_span_project_without_spans_or_with_too_few_is_refused(tmp_path) -> None:
    from tests.unit.stages.clean.span_clean_fixtures import corpus
    from textloop.config import Label
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.project.init import init_project

    project = init_project(tmp_path / "ner", labels=[Label(name="PER"), Label(name="LOC")],
                           task="spans")
    rows, _ = corpus()
    path = tmp_path / "spans.jsonl"
    lines = [{"text": text, "label": json.dumps([s.to_dict() for s in spans] if i < 2 else [])}
             for i, (text, spans) in enumerate(rows[:10])]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label"))
        with pytest.raises(InvalidInputError, match="only 2 of 10 labeled records carry a "
                                                    "span") as caught:
            clean(store, project, OPTIONS)
        assert "--folds" in caught.value.hint
        with pytest.raises(InvalidInputError, match="does not tag tokens") as caught:
            clean(store, project, CleanOptions(models=("span-rules",), folds=2,
                                               use_embeddings=False, release=None))
        assert caught.value.hint == "use --model minilm-crf"
        with store.read() as conn, pytest.raises(NotFoundError):
            findings.get(conn, "latest")  # nothing was stored
