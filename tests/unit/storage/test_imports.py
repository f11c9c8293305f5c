"""The import log: which imports a release's records came from, with their recorded terms."""

from __future__ import annotations

import json
from pathlib import Path

from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release
from textloop.storage import imports


def _import(store, project, path: Path, texts: list[str], **terms) -> None:
    path.write_text("".join(json.dumps({"text": t, "label": "spam"}) + "\n" for t in texts),
                    encoding="utf-8")
    import_file(store, project, path, ImportOptions(text_col="text", label_col="label",
                                                    **terms))


def test_the_imports_of_a_release_carry_their_license_and_count_its_records(
        store, project, tmp_path) -> None:
    _import(store, project, tmp_path / "a.jsonl", [f"first file text {i}" for i in range(8)],
            license="CC-BY-4.0")
    # a repeated text stays with the import that stored it first
    _import(store, project, tmp_path / "b.jsonl",
            ["first file text 0", *[f"second file text {i}" for i in range(3)]],
            license="proprietary", redistribute=False)
    release = create_release(store, project)
    _import(store, project, tmp_path / "c.jsonl", ["after the release"])
    with store.read() as conn:
        found = imports.for_release(conn, release.id)
    assert [(Path(f["source"]).name, f["options"]["license"], f["options"]["redistribute"],
             f["rows"]) for f in found] == [("a.jsonl", "CC-BY-4.0", True, 8),
                                            ("b.jsonl", "proprietary", False, 3)]
