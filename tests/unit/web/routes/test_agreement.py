"""The agreement page renders the statistics of overlapping answers."""

from __future__ import annotations

from tests.unit.web.webapp import Web, queue_texts


def test_the_agreement_page_shows_the_statistics(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data",
                      [f"text number {i}" for i in range(4)], overlap=2)
    a, b = web.sign_in("anna"), web.sign_in("ben")
    for rid, (la, lb) in zip(ids, [("spam", "spam"), ("ham", "ham"), ("spam", "ham"),
                                   ("other", "other")], strict=True):
        a.post("/label/answer", {"record_id": rid, "label": la})
        b.post("/label/answer", {"record_id": rid, "label": lb})
    page = a.get("/agreement")
    assert page.status_code == 200
    assert "<h1>Agreement</h1>" in page.text
    for heading in ("fleiss kappa", "krippendorff alpha", "annotators", "confusions"):
        assert f"<h2>{heading}</h2>" in page.text
    assert "<dt>n overlapping</dt>" in page.text and "<dt>n disputed</dt>" in page.text
    assert "<td>anna" in page.text and "<td>ben" in page.text
    # aggregate statistics only: no record ids (no one's answer to a record is shown)
    assert not any(rid in page.text for rid in ids)


def test_the_agreement_page_needs_a_session(web: Web) -> None:
    response = web.client().get("/agreement", follow_redirects=False)
    assert response.status_code == 303
