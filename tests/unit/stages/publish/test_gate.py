"""Each refusal of the publishing gate, what lifts it, and that a refused publication
writes nothing to its target."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.stages.publish.conftest import rows
from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages.clean.pii_findings import find_personal_data
from textloop.stages.clean.redact import redacted_release
from textloop.stages.publish import parse_target, publish_release
from textloop.stages.release import create_release, load_release
from textloop.stages.synthesize.decisions import decide
from textloop.storage import findings


def _refused(store, project, tmp_path: Path, **kwargs) -> ConflictError:
    out = tmp_path / "out"
    with pytest.raises(ConflictError) as caught:
        publish_release(store, project, "latest", parse_target(str(out)), **kwargs)
    assert not out.exists()  # nothing reaches the target
    return caught.value


def test_no_license_is_refused_with_the_key_to_set(store, project, add, tmp_path) -> None:
    add(rows(20), license="CC0-1.0")
    create_release(store, project)
    error = _refused(store, project, tmp_path)
    assert "license: no license is set (release.license is 'unknown'" in str(error)
    assert "set `release.license` in textloop.yaml" in error.hint
    project.spec.release.license = "CC BY 4.0"  # not an id
    assert "not a license id" in str(_refused(store, project, tmp_path))
    project.spec.release.license = "CC-BY-4.0"
    done = publish_release(store, project, "latest", parse_target(str(tmp_path / "out")))
    assert done.gate.refusals == []
    assert "license: CC-BY-4.0" in (tmp_path / "out" / "README.md").read_text()


def _pii_findings(store, ids_texts) -> None:
    ids, texts = zip(*ids_texts, strict=True)
    summary, found = find_personal_data(ids, texts)
    with store.write() as conn:
        findings.add(conn, config={}, summary={"pii": summary},
                     rows=[{"record_id": f.record_id, "kind": f.kind, "score": f.score,
                            "details": f.details} for f in found])


def _with_personal_data(store, project, add) -> None:
    batch = rows(20)
    batch[3]["text"] = "write to ana.lopez@example.com about the weekly offer please"
    add(batch)
    info = create_release(store, project)
    data = load_release(store, info.id)
    _pii_findings(store, [(rid, text) for split in data.splits.values()
                          for rid, text in zip(split.ids, split.texts, strict=True)])


def test_open_personal_data_findings_are_refused(store, licensed, add, tmp_path) -> None:
    _with_personal_data(store, licensed, add)
    error = _refused(store, licensed, tmp_path)
    assert "personal-data: 1 released records hold personal data" in str(error)
    assert "email 1" in str(error) and "c1" in str(error)
    assert "clean --redact" in error.hint and "--allow-pii" in error.hint


def test_a_redacted_release_passes_the_personal_data_check(store, licensed, add,
                                                             tmp_path) -> None:
    _with_personal_data(store, licensed, add)
    redacted, changed = redacted_release(store, licensed)
    assert changed == 1
    done = publish_release(store, licensed, redacted.id, parse_target(str(tmp_path / "out")))
    assert done.gate.refusals == [] and done.gate.personal_data == {}
    with pytest.raises(ConflictError):  # the unredacted release is still refused
        publish_release(store, licensed, "v1", parse_target(str(tmp_path / "other")))


def test_allow_pii_publishes_and_puts_the_reason_on_the_card(store, licensed, add,
                                                            tmp_path) -> None:
    _with_personal_data(store, licensed, add)
    with pytest.raises(InvalidInputError, match="--allow-pii: the reason is empty"):
        publish_release(store, licensed, "latest", parse_target(str(tmp_path / "out")),
                        allow_pii="  ")
    done = publish_release(store, licensed, "latest", parse_target(str(tmp_path / "out")),
                           allow_pii="addresses of a public help desk")
    assert done.gate.personal_data["waiver"] == "addresses of a public help desk"
    card = (tmp_path / "out" / "README.md").read_text()
    assert "1 records hold personal data found by `textloop clean` (c1: email (1))" in card
    assert "Reason given: addresses of a public help desk" in card


@pytest.mark.parametrize("terms", [{"redistribute": False}, {"license": "proprietary"},
                                   {"license": "LicenseRef-Proprietary"}])
def test_a_source_that_may_not_be_passed_on_is_refused(store, licensed, add, tmp_path,
                                                       terms) -> None:
    add(rows(20), license="CC-BY-4.0")
    add(rows(6, prefix="partner"), **terms)
    create_release(store, licensed)
    error = _refused(store, licensed, tmp_path)
    assert "source-terms: the release holds records of sources that may not be passed on" \
        in str(error)
    assert "part-1.jsonl (6 records" in str(error) and "part-0" not in str(error)


def test_unknown_source_licenses_do_not_block_but_are_listed(store, licensed, add,
                                                             tmp_path) -> None:
    add(rows(20))
    create_release(store, licensed)
    done = publish_release(store, licensed, "latest", parse_target(str(tmp_path / "out")),
                           dry_run=True)
    assert [(s.license, s.redistribute, s.rows) for s in done.gate.sources] == [
        ("unknown", True, 20)]


def test_an_import_license_that_is_not_an_id_is_refused(add) -> None:
    with pytest.raises(InvalidInputError, match="--license: 'CC BY' is not a license id"):
        add(rows(3), license="CC BY")


def test_synthetic_copies_of_test_rows_are_refused(store, licensed, add, tmp_path) -> None:
    add(rows(40))
    first = load_release(store, create_release(store, licensed).id)
    copies = [candidate(text.upper() + "!", label=label)
              for text, label in zip(first.test.texts, first.test.labels, strict=True)]
    decide(store, stored_batch(store, copies), "accepted", actor="ana")
    create_release(store, licensed)
    error = _refused(store, licensed, tmp_path)
    assert f"contamination: {len(copies)} synthetic train rows copy or nearly copy test rows" \
        in str(error)
    assert "textloop synth reject" in error.hint
    # the release before the batch is clean
    publish_release(store, licensed, "v1", parse_target(str(tmp_path / "v1")))


def test_a_dry_run_reports_every_refusal_at_once_and_sends_nothing(store, project, add,
                                                                  tmp_path) -> None:
    _with_personal_data(store, project, add)
    done = publish_release(store, project, "latest", parse_target(str(tmp_path / "out")),
                           dry_run=True)
    assert [r.reason for r in done.gate.refusals] == ["license", "personal-data"]
    assert not (tmp_path / "out").exists()
