"""Round trips: whatever texts, labels and metadata a file holds come back from the store.

For arbitrary unicode rows written as CSV, TSV (CSV quoting), JSON Lines and Parquet, the
store holds exactly the normalized texts (stripped, Windows line endings folded), under ids
derived from their sha256, with their labels and first-seen metadata; exporting the store
and importing the export again adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textloop.config import Label
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.ingest.formats import ReadOptions
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, records
from textloop.texts import dedup_key

LABELS = ("spam", "ham")
COLUMNS = ("text", "label", "source")
# Any character except surrogates (not text) and NUL (refused by design, tested elsewhere).
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def normalize(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


ROW = st.tuples(st.text(CHARS, min_size=1, max_size=40).filter(lambda t: normalize(t) != ""),
                st.sampled_from((*LABELS, None)), st.text(CHARS, max_size=10))
ROWS = st.lists(ROW, min_size=1, max_size=25)


def write_delimited(path: Path, rows: list, delimiter: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        # the default "\r\n" terminator also makes the writer quote fields holding a "\r"
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(COLUMNS)
        out.writerows([text, label or "", source] for text, label, source in rows)


def write_jsonl(path: Path, rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False))
            handle.write("\n")


def write_parquet(path: Path, rows: list) -> None:
    columns = list(zip(*rows, strict=True))
    pq.write_table(pa.table({name: list(values) for name, values in
                             zip(COLUMNS, columns, strict=True)}), path)


WRITERS = {
    "csv": ("rows.csv", lambda p, r: write_delimited(p, r, ","), None),
    "tsv": ("rows.tsv", lambda p, r: write_delimited(p, r, "\t"), "csv"),
    "jsonl": ("rows.jsonl", write_jsonl, None),
    "parquet": ("rows.parquet", write_parquet, None),
}


def expected(rows: list) -> dict[str, tuple[set[str], dict[str, str]]]:
    """stored text -> (labels, metadata of its first row); texts with one identity (NFC/NFD,
    zero-width characters) are one record, stored as first spelled."""
    out: dict[str, tuple[set[str], dict[str, str]]] = {}
    spelled: dict[str, str] = {}
    for text, label, source in rows:
        first = spelled.setdefault(dedup_key(normalize(text)), normalize(text))
        labels, _ = out.setdefault(first, (set(), {"source": source}))
        if label is not None:
            labels.add(label)
    return out


def stored(store: Store) -> dict[str, tuple[set[str], dict[str, str]]]:
    with store.read() as conn:
        found = {r.id: (r.text, set(), r.meta) for r in records.iter_all(conn)}
        for record_id, label, kind, _ in annotation_log.iter_votes(conn):
            assert kind == "import"
            found[record_id][1].add(label)
    for record_id, (text, _, _) in found.items():
        assert record_id == hashlib.sha256(dedup_key(text).encode("utf-8")).hexdigest()[:16]
    return {text: (labels, meta) for text, labels, meta in found.values()}


def export(store: Store, path: Path) -> None:
    """The store as JSON Lines: one line per (record, label), unlabeled records once."""
    with store.read() as conn:
        labels: dict[str, list[str]] = {}
        for record_id, label, _, _ in annotation_log.iter_votes(conn):
            labels.setdefault(record_id, []).append(label)
        lines = [{"text": r.text, "label": label, **r.meta}
                 for r in records.iter_all(conn) for label in labels.get(r.id, [None])]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS)
def test_import_then_export_round_trips(fmt: str, rows: list) -> None:
    name, write, quoting = WRITERS[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = init_project(folder / "p", labels=[Label(name=n) for n in LABELS])
        path = folder / name
        write(path, rows)
        options = ImportOptions(meta_cols=["source"], read=ReadOptions(quoting=quoting))
        with Store.for_project(project) as store:
            result = import_file(store, project, path, options)
            assert result.rows_read == len(rows)
            assert stored(store) == expected(rows)
            export(store, folder / "export.jsonl")
            again = import_file(store, project, folder / "export.jsonl",
                                ImportOptions(meta_cols=["source"]))
            assert (again.records_new, again.annotations_new) == (0, 0)
            assert again.rows_read == sum(max(len(labels), 1)
                                          for labels, _ in expected(rows).values())
