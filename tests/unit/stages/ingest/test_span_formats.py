"""Span files through the importer: each format into a span project, with the importer's
all-or-nothing, ``--skip-invalid``, re-import and ``--add-labels`` behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.ingest.support import counts, refused, run
from textloop.config import Label, Project, load_spec
from textloop.spans import Span, decode_spans
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, records

CONLL = ("Ana\tB-PER\nworks\tO\nat\tO\nAcme\tB-ORG\nCorp\tI-ORG\n\n"
         "Bob\tB-PER\nsleeps\tO\n\n")
CONLL_SPANS = {"Ana works at Acme Corp": [Span(0, 3, "PER"), Span(13, 22, "ORG")],
               "Bob sleeps": [Span(0, 3, "PER")]}


@pytest.fixture
def span_project(tmp_path: Path) -> Project:
    return init_project(tmp_path / "ner", labels=[Label(name="PER"), Label(name="ORG")],
                        task="spans")


@pytest.fixture
def span_store(span_project: Project):
    with Store.for_project(span_project) as opened:
        yield opened


def stored_spans(store: Store) -> dict[str, list[Span]]:
    with store.read() as conn:
        by_id = {r.id: r.text for r in records.iter_all(conn)}
        return {by_id[rid]: decode_spans(value)
                for rid, value, _, _ in annotation_log.iter_votes(conn)}


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


FILES: dict[str, tuple[str, str]] = {
    "conll": ("a.conll", CONLL),
    "spans-jsonl": ("a.jsonl", _jsonl([
        {"text": "Ana works at Acme Corp", "spans": [
            {"start": 0, "end": 3, "label": "PER"},
            {"start": 13, "end": 22, "label": "ORG", "text": "Acme Corp"}]},
        {"text": "Bob sleeps", "spans": [{"start": 0, "end": 3, "label": "PER"}],
         "meta": {"source": "x"}}])),
    "doccano": ("a.jsonl", _jsonl([
        {"id": 1, "text": "Ana works at Acme Corp", "label": [[0, 3, "PER"], [13, 22, "ORG"]]},
        {"id": 2, "text": "Bob sleeps", "label": [[0, 3, "PER"]]}])),
    "label-studio": ("a.json", json.dumps([
        {"id": 1, "data": {"text": "Ana works at Acme Corp"}, "annotations": [{"id": 7, "result": [
            {"type": "labels", "value": {"start": 0, "end": 3, "text": "Ana",
                                         "labels": ["PER"]}},
            {"type": "labels", "value": {"start": 13, "end": 22, "text": "Acme Corp",
                                         "labels": ["ORG"]}}]}]},
        {"id": 2, "data": {"text": "Bob sleeps"}, "annotations": [{"id": 8, "result": [
            {"type": "labels", "value": {"start": 0, "end": 3, "text": "Bob",
                                         "labels": ["PER"]}}]}]}])),
    "hf-tokens": ("a.jsonl", _jsonl([
        {"tokens": ["Ana", "works", "at", "Acme", "Corp"],
         "ner_tags": ["B-PER", "O", "O", "B-ORG", "I-ORG"]},
        {"tokens": ["Bob", "sleeps"], "ner_tags": ["B-PER", "O"]}])),
}


@pytest.mark.parametrize("fmt", list(FILES))
def test_each_format_imports_the_files_spans(span_project, span_store, write, fmt) -> None:
    name, content = FILES[fmt]
    path = write(name, content)
    given = None if fmt == "conll" else fmt  # .conll is known by its extension
    result = run(span_store, span_project, path, format=given)
    assert result.format == fmt
    assert (result.records_new, result.annotations_new) == (2, 2)
    assert stored_spans(span_store) == CONLL_SPANS
    again = run(span_store, span_project, path, format=given)
    assert (again.records_new, again.annotations_new) == (0, 0)
    assert again.previous_imports == [result.import_id]


def test_conll_reports_the_scheme_and_why(span_project, span_store, write) -> None:
    path = write("a.iob", CONLL)
    detected = run(span_store, span_project, path)
    assert detected.span_reading["scheme"] == "IOB2"
    assert detected.span_reading["scheme_reason"] not in ("", "given")
    given = run(span_store, span_project, path, scheme="IOB2")
    assert given.span_reading == {"join": "space", "scheme": "IOB2", "scheme_reason": "given"}


def test_tag_col_picks_the_tag_column(span_project, span_store, write) -> None:
    path = write("b.conll", "Ana\tB-PER\tNNP\nsleeps\tO\tVBZ\n\n")
    run(span_store, span_project, path, tag_col=1)
    assert stored_spans(span_store) == {"Ana sleeps": [Span(0, 3, "PER")]}


def test_doccano_meta_is_kept_without_reader_keys(span_project, span_store, write) -> None:
    name, content = FILES["doccano"]
    run(span_store, span_project, write(name, content), format="doccano")
    with span_store.read() as conn:
        metas = {r.text: r.meta for r in records.iter_all(conn)}
    assert metas["Bob sleeps"] == {"id": 2}


def test_a_bad_tag_sequence_names_the_line_and_stores_nothing(span_project, span_store,
                                                              write) -> None:
    path = write("bad.conll", "Ana\tB-PER\nworks\tO\n\nBob\tB-PER\nCorp\tI-ORG\n\n")
    error = refused(span_store, span_project, path, "line 5")
    assert "I-ORG" in error.message
    assert counts(span_store) == (0, 0, 0)


def test_unknown_span_label_is_the_usual_error_or_added(span_project, span_store,
                                                        write) -> None:
    path = write("loc.conll", "Paris\tB-LOC\nrocks\tO\n\nAna\tB-PER\n\n")
    refused(span_store, span_project, path, "line 1", "'LOC' is not in textloop.yaml")
    result = run(span_store, span_project, path, add_labels=True)
    assert result.new_labels == ["LOC"]
    assert load_spec(span_project.root / "textloop.yaml").label_names == ["PER", "ORG", "LOC"]
    assert stored_spans(span_store)["Paris rocks"] == [Span(0, 5, "LOC")]


def test_skip_invalid_imports_the_rest_and_reports(span_project, span_store, write) -> None:
    path = write("mixed.jsonl", _jsonl([
        {"text": "Ana works", "spans": [{"start": 0, "end": 3, "label": "PER"},
                                        {"start": 0, "end": 9, "label": "ORG"}]},
        {"text": "Bob sleeps", "spans": [{"start": 0, "end": 3, "label": "PER"}]}]))
    refused(span_store, span_project, path, "line 1", "overlap", format="spans-jsonl")
    result = run(span_store, span_project, path, format="spans-jsonl", skip_invalid=True)
    assert (result.records_new, result.rows_skipped) == (1, 1)
    report = result.report_path.read_text(encoding="utf-8")
    assert "line 1" in report and "overlap" in report
    assert stored_spans(span_store) == {"Bob sleeps": [Span(0, 3, "PER")]}


def test_a_span_format_is_refused_on_a_classification_project(project, store, write) -> None:
    path = write("a.conll", CONLL)
    refused(store, project, path, "holds spans", "'classification'")


def test_a_span_project_takes_a_csv_without_labels(span_project, span_store, write) -> None:
    result = run(span_store, span_project, write("t.csv", "text\nAna sleeps\nBob too\n"))
    assert (result.records_new, result.annotations_new, result.rows_unlabeled) == (2, 0, 2)


def test_hf_dataset_folder(span_project, span_store, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "ds"
    names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
    features = datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names))})
    datasets.Dataset.from_dict({"tokens": [["Ana", "works", "at", "Acme", "Corp"],
                                           ["Bob", "sleeps"]],
                                "ner_tags": [[1, 0, 0, 3, 4], [1, 0]]},
                               features=features).save_to_disk(str(folder))
    result = run(span_store, span_project, folder, format="hf-tokens")
    assert result.records_new == 2
    assert stored_spans(span_store) == CONLL_SPANS




def test_a_dataset_dict_folder_imports_every_split(span_project, span_store, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "dd"
    datasets.DatasetDict({
        "train": datasets.Dataset.from_dict({"tokens": [["Ana", "works", "at", "Acme", "Corp"]],
                                             "ner_tags": [["B-PER", "O", "O", "B-ORG", "I-ORG"]]}),
        "test": datasets.Dataset.from_dict({"tokens": [["Bob", "sleeps"]],
                                            "ner_tags": [["B-PER", "O"]]}),
    }).save_to_disk(str(folder))
    result = run(span_store, span_project, folder, format="hf-tokens")
    assert result.records_new == 2
    assert stored_spans(span_store) == CONLL_SPANS
    with span_store.read() as conn:
        assert {r.text: r.meta.get("split") for r in records.iter_all(conn)} == {
            "Ana works at Acme Corp": "train", "Bob sleeps": "test"}


def test_label_studio_utf16_offsets_are_import_provenance(span_project, span_store,
                                                          write) -> None:
    text = "😀 Ana"  # the emoji is two UTF-16 units: Ana is 3-6 in UTF-16, 2-5 in code points
    path = write("ls.json", json.dumps([{"id": 1, "data": {"text": text}, "annotations": [
        {"id": 2, "result": [{"type": "labels", "value": {"start": 3, "end": 6, "text": "Ana",
                                                           "labels": ["PER"]}}]}]}]))
    result = run(span_store, span_project, path, format="label-studio")
    assert result.span_reading == {"utf16": True}
    assert stored_spans(span_store) == {text: [Span(2, 5, "PER")]}
    with span_store.read() as conn:
        assert "utf16" not in next(iter(records.iter_all(conn))).meta


def _tasks_file(tasks: list[object]) -> str:
    """A Label Studio export with task i on line i + 1."""
    return "[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n]\n"


def _ls_task(text: str, *regions: dict) -> dict:
    return {"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": [
        {"type": "labels", "value": {**r, "labels": [r.pop("label")]}} for r in regions]}]}


GOOD = {"conll": "Bob\tB-PER\nsleeps\tO\n\n",
        "spans-jsonl": _jsonl([{"text": "Bob sleeps",
                                "spans": [{"start": 0, "end": 3, "label": "PER"}]}]),
        "doccano": _jsonl([{"text": "Bob sleeps", "label": [[0, 3, "PER"]]}]),
        "hf-tokens": _jsonl([{"tokens": ["Bob", "sleeps"], "ner_tags": ["B-PER", "O"]}])}
BOB = _ls_task("Bob sleeps", {"start": 0, "end": 3, "text": "Bob", "label": "PER"})

# format, the file (a bad record, then the good "Bob sleeps"), the bad record's line, what
# the problem says
BAD_RECORDS: dict[str, tuple[str, str, int, str]] = {
    "conll-broken-tag-sequence": (
        "conll", "Ana\tB-PER\nCorp\tI-ORG\n\n" + GOOD["conll"], 2, "'I-ORG' after 'B-PER'"),
    "conll-malformed-tag": ("conll", "Ana\tPER\n\n" + GOOD["conll"], 1, "not O nor PREFIX"),
    "conll-line-without-tag": (
        "conll", "Ana\tB-PER\nlonely\nworks\tO\n\n" + GOOD["conll"], 2,
        "expected a token and a tag"),
    "hf-tokens-broken-tag-sequence": (
        "hf-tokens", _jsonl([{"tokens": ["Ana", "Corp"], "ner_tags": ["B-PER", "I-ORG"]}])
        + GOOD["hf-tokens"], 1, "'I-ORG' after 'B-PER'"),
    "hf-tokens-not-json": ("hf-tokens", '{"tokens": ["Ana"\n' + GOOD["hf-tokens"], 1,
                           "not JSON"),
    "hf-tokens-tags-not-matching-tokens": (
        "hf-tokens", _jsonl([{"tokens": ["Ana", "x"], "ner_tags": ["O"]}])
        + GOOD["hf-tokens"], 1, '"tokens" and "ner_tags" must be'),
    "spans-jsonl-not-json": ("spans-jsonl", "{oops\n" + GOOD["spans-jsonl"], 1, "not JSON"),
    "spans-jsonl-not-an-object": ("spans-jsonl", "[1, 2]\n" + GOOD["spans-jsonl"], 1,
                                  "expected a JSON object"),
    "spans-jsonl-outside-the-text": (
        "spans-jsonl", _jsonl([{"text": "Ana", "spans": [{"start": 0, "end": 9,
                                                          "label": "PER"}]}])
        + GOOD["spans-jsonl"], 1, "outside the text"),
    "spans-jsonl-not-the-quoted-text": (
        "spans-jsonl", _jsonl([{"text": "Ana works", "spans": [
            {"start": 0, "end": 3, "label": "PER", "text": "works"}]}])
        + GOOD["spans-jsonl"], 1, "not the 'works' the file quotes"),
    "spans-jsonl-empty-text": ("spans-jsonl", _jsonl([{"text": "", "spans": []}])
                               + GOOD["spans-jsonl"], 1, '"text" must be a non-empty string'),
    "doccano-not-json": ("doccano", "not json\n" + GOOD["doccano"], 1, "not JSON"),
    "doccano-outside-the-text": (
        "doccano", _jsonl([{"text": "Ana", "label": [[2, 7, "PER"]]}]) + GOOD["doccano"], 1,
        "outside the text"),
    "doccano-offsets-not-integers": (
        "doccano", _jsonl([{"text": "Ana", "label": [["0", 3, "PER"]]}]) + GOOD["doccano"], 1,
        "offsets must be integers"),
    "label-studio-outside-the-text": (
        "label-studio", _tasks_file([_ls_task("Ana", {"start": 0, "end": 8, "label": "PER"}),
                                     BOB]), 2, "outside the text"),
    "label-studio-not-the-quoted-text": (
        "label-studio", _tasks_file([_ls_task("Ana works", {"start": 0, "end": 3,
                                                            "text": "works", "label": "PER"}),
                                     BOB]), 2, "not the 'works' the file quotes"),
    # the first region shows the file counts UTF-16 units; in the second, 1 falls inside 😀
    "label-studio-splits-a-surrogate-pair": (
        "label-studio", _tasks_file([
            _ls_task("😀 Ana", {"start": 3, "end": 6, "text": "Ana", "label": "PER"},
                     {"start": 1, "end": 6, "label": "PER"}), BOB]), 2,
        "inside a surrogate pair"),
    "label-studio-task-not-an-object": ("label-studio", _tasks_file([7, BOB]), 2,
                                        "a task must be an object"),
}


@pytest.mark.parametrize("case", list(BAD_RECORDS))
def test_a_malformed_record_stops_the_import_with_its_line(span_project, span_store, write,
                                                           case) -> None:
    fmt, content, line, problem = BAD_RECORDS[case]
    path = write("bad.conll" if fmt == "conll" else "bad.json", content)
    error = refused(span_store, span_project, path, f"line {line}", problem, format=fmt)
    assert "nothing was imported" in error.message
    assert error.hint is not None and "--skip-invalid" in error.hint


@pytest.mark.parametrize("case", list(BAD_RECORDS))
def test_skip_invalid_skips_a_malformed_record_and_reports_it(span_project, span_store, write,
                                                              case) -> None:
    import csv

    fmt, content, line, problem = BAD_RECORDS[case]
    path = write("bad.conll" if fmt == "conll" else "bad.json", content)
    result = run(span_store, span_project, path, format=fmt, skip_invalid=True)
    assert (result.records_new, result.rows_skipped) == (1, 1)
    assert stored_spans(span_store) == {"Bob sleeps": [Span(0, 3, "PER")]}
    with result.report_path.open(encoding="utf-8", newline="") as handle:
        [skipped] = list(csv.DictReader(handle))
    assert (skipped["where"], skipped["line"]) == (f"line {line}", str(line))
    assert problem in skipped["problem"] and str(path) not in skipped["problem"]
    assert skipped["fix"] not in ("", "fix the row")


def test_a_file_level_problem_still_stops_an_import_that_skips(span_project, span_store,
                                                               write) -> None:
    mixed = write("mixed.conll", "Ana\tE-PER\n\nBob\tU-PER\n\n")  # IOBES and BILOU at once
    refused(span_store, span_project, mixed, "mix IOBES", skip_invalid=True)
    header = write("header.conll", "# textloop: {oops\nBob\tB-PER\n\n")
    refused(span_store, span_project, header, "line 1", "header is not JSON",
            skip_invalid=True)
    broken = write("broken.json", '[\n{"data": {"text": "a"}, oops\n]\n')
    refused(span_store, span_project, broken, "not JSON", format="label-studio",
            skip_invalid=True)
    latin = write("latin.jsonl", '{"text": "caf\xe9", "spans": []}\n'.encode("latin-1"))
    refused(span_store, span_project, latin, "not UTF-8", format="spans-jsonl",
            skip_invalid=True)


def test_skipped_records_keep_the_scheme_report(span_project, span_store, write) -> None:
    path = write("a.conll", "Ana\tB-PER\nCorp\tI-ORG\n\n" + GOOD["conll"])
    result = run(span_store, span_project, path, skip_invalid=True)
    assert result.span_reading["scheme"] == "IOB2"


INT_TAGS = _jsonl([{"tokens": ["Ana", "works", "at", "Acme", "Corp"], "ner_tags": [1, 0, 0, 3, 4]},
                   {"tokens": ["Bob", "sleeps"], "ner_tags": [1, 0]}])
NAMES = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]


def test_integer_tags_import_with_tag_names(span_project, span_store, write) -> None:
    path = write("ints.jsonl", INT_TAGS)
    error = refused(span_store, span_project, path, "line 1", "no tag names were given",
                    format="hf-tokens")
    assert "--tag-names" in (error.hint or "")
    result = run(span_store, span_project, path, format="hf-tokens", tag_names=NAMES)
    assert result.records_new == 2
    assert stored_spans(span_store) == CONLL_SPANS


def test_an_integer_tag_outside_the_names_is_a_row_error(span_project, span_store,
                                                         write) -> None:
    path = write("ints.jsonl", INT_TAGS + _jsonl([{"tokens": ["x"], "ner_tags": [9]}]))
    refused(span_store, span_project, path, "line 3", "tag 9 is outside the 5 tag names",
            format="hf-tokens", tag_names=NAMES)
    result = run(span_store, span_project, path, format="hf-tokens", tag_names=NAMES,
                 skip_invalid=True)
    assert (result.records_new, result.rows_skipped) == (2, 1)
    assert result.skipped[0]["where"] == "line 3"


def test_tag_names_are_refused_for_other_formats(span_project, span_store, write) -> None:
    path = write("a.conll", CONLL)
    refused(span_store, span_project, path, "--tag-names", "conll", tag_names=NAMES)


def test_a_dataset_folder_of_plain_integers_takes_tag_names(span_project, span_store,
                                                            tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "ints"
    datasets.Dataset.from_dict({"tokens": [["Ana", "works", "at", "Acme", "Corp"],
                                           ["Bob", "sleeps"]],
                                "ner_tags": [[1, 0, 0, 3, 4], [1, 0]]}).save_to_disk(str(folder))
    refused(span_store, span_project, folder, "row 1", "no tag names", format="hf-tokens")
    run(span_store, span_project, folder, format="hf-tokens", tag_names=NAMES)
    assert stored_spans(span_store) == CONLL_SPANS


def test_spans_follow_the_text_when_import_normalizes_it(span_project, span_store,
                                                         write) -> None:
    # stored texts lose surrounding whitespace and CRLF becomes LF: spans must move with them
    text = "  Ana\r\nworks\r\n at Acme Corp \r\n"
    path = write("crlf.jsonl", _jsonl([{"text": text, "spans": [
        {"start": 2, "end": 5, "label": "PER"}, {"start": 18, "end": 27, "label": "ORG"},
        {"start": 7, "end": 14, "label": "PER"}]}]))  # 'works\r\n' keeps the whole break
    assert text[18:27] == "Acme Corp"
    run(span_store, span_project, path, format="spans-jsonl")
    stored, spans = next(iter(stored_spans(span_store).items()))
    assert stored == "Ana\nworks\n at Acme Corp"
    assert [stored[s.start:s.end] for s in spans] == ["Ana", "works\n", "Acme Corp"]


def test_a_span_over_only_stripped_whitespace_is_a_row_error(span_project, span_store,
                                                             write) -> None:
    path = write("ws.jsonl", _jsonl([{"text": "Ana  ", "spans": [
        {"start": 3, "end": 5, "label": "PER"}]}]))
    refused(span_store, span_project, path, "line 1", "span 3-5 (PER)", "whitespace",
            format="spans-jsonl")


def test_unescaped_html_under_spans_is_a_row_error(span_project, span_store, write) -> None:
    path = write("html.jsonl", _jsonl([
        {"text": "R&amp;D by Ana", "spans": [{"start": 11, "end": 14, "label": "PER"}]},
        {"text": "Bob &amp; co", "spans": []}]))
    refused(span_store, span_project, path, "line 1", "--unescape-html", format="spans-jsonl",
            unescape_html=True)
    result = run(span_store, span_project, path, format="spans-jsonl", unescape_html=True,
                 skip_invalid=True)
    assert result.rows_skipped == 1
    assert stored_spans(span_store) == {"Bob & co": []}


@pytest.mark.parametrize("fmt", list(FILES))
def test_labels_false_imports_a_span_files_texts_unlabeled(span_project, span_store, write,
                                                           fmt) -> None:
    # a labeled corpus as the pool of an active-learning loop: its texts, none of its spans
    name, content = FILES[fmt]
    result = run(span_store, span_project, write(name, content), format=fmt, labels=False)
    assert (result.records_new, result.annotations_new, result.rows_unlabeled) == (2, 0, 2)
    assert stored_spans(span_store) == {}
    with span_store.read() as conn:
        assert {r.text for r in records.iter_all(conn)} == set(CONLL_SPANS)
    labeled = run(span_store, span_project, write(name, content), format=fmt)
    assert (labeled.records_new, labeled.annotations_new) == (0, 2)  # the same records
    assert stored_spans(span_store) == CONLL_SPANS


def test_labels_false_with_a_label_column_is_refused(span_project, span_store, write) -> None:
    path = write("t.csv", "text,label\nAna sleeps,x\n")
    refused(span_store, span_project, path, "--no-labels", "--label-col", label_col="label",
            labels=False)


def test_span_files_pin_their_records_to_a_split(span_project, span_store, write) -> None:
    run(span_store, span_project, write("test.conll", CONLL), split="test")
    rows = _jsonl([{"text": "Cleo visits Acme", "meta": {"part": "validation"},
                    "spans": [{"start": 0, "end": 4, "label": "PER"}]},
                   {"text": "Dan rests", "meta": {"part": "train"},
                    "spans": [{"start": 0, "end": 3, "label": "PER"}]}])
    run(span_store, span_project, write("more.jsonl", rows), split_col="part")
    with span_store.read() as conn:
        by_id = {r.id: r for r in records.iter_all(conn)}
        pins = {by_id[rid].text: split for rid, (split, _) in records.pins(conn).items()}
    assert pins == {"Ana works at Acme Corp": "test", "Bob sleeps": "test",
                    "Cleo visits Acme": "validation", "Dan rests": "train"}
    assert all("part" not in r.meta for r in by_id.values())
    assert stored_spans(span_store)["Cleo visits Acme"] == [Span(0, 4, "PER")]
