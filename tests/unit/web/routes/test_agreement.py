"""The agreement page renders the statistics of overlapping answers."""

from __future__ import annotations

from tests.unit.web.webapp import Web, answer_spans, queue_texts
from textloop.spans import Span


def test_the_agreement_page_shows_the_statistics(overlap_web: Web) -> None:
    web = overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data",
                      [f"text number {i}" for i in range(4)], overlap=2)
    a, b = web.sign_in("anna"), web.sign_in("ben")
    for rid, (la, lb) in zip(ids, [("spam", "spam"), ("ham", "ham"), ("spam", "ham"),
                                   ("other", "other")], strict=True):
        a.post("/label/answer", {"record_id": rid, "label": la})
        b.post("/label/answer", {"record_id": rid, "label": lb})
    page = web.sign_in("judge", role="adjudicator").get("/agreement")
    assert page.status_code == 200
    assert "<h1>Agreement</h1>" in page.text
    for heading in ("Each annotator against adjudicated labels",
                    "Pairs of annotators (Cohen's kappa)",
                    "Disagreement per label", "Labels given to the same record"):
        assert f"<h2>{heading}</h2>" in page.text
    assert "<dt>answered by 2+ annotators</dt><dd>4</dd>" in page.text
    assert "<dt>with differing answers</dt><dd>1</dd>" in page.text
    assert "<td>anna · ben</td>" in page.text
    # 3 of 4 records agree; with two raters Fleiss' kappa is Scott's pi: (0.75 - 22/64) / (42/64)
    assert ("<dt>Fleiss' kappa</dt><dd><strong>0.619</strong> <span class=\"muted\">substantial"
            in page.text)
    # alpha adds the small-sample correction: 1 - (n - 1) * D_o / D_e = 1 - 7 * 2 / 42
    assert "alpha (nominal)</dt><dd><strong>0.667</strong>" in page.text
    # aggregate statistics only: no record ids (no one's answer to a record is shown)
    assert not any(rid in page.text for rid in ids)


def test_the_agreement_page_needs_a_session(web: Web) -> None:
    response = web.client().get("/agreement", follow_redirects=False)
    assert response.status_code == 303


def test_a_span_project_shows_entity_f1_and_token_kappa(span_overlap_web: Web) -> None:
    web = span_overlap_web
    ids = queue_texts(web.store, web.project, web.project.root / "data",
                      ["Alice met Bob in Paris", "Acme hired Dana"], overlap=2,
                      suggestion=None)
    answer_spans(web.store, ids[0], {"anna": [Span(0, 5, "PER"), Span(17, 22, "LOC")],
                                     "ben": [Span(0, 5, "PER"), Span(17, 22, "ORG")]})
    answer_spans(web.store, ids[1], {"anna": [Span(0, 4, "ORG")], "ben": [Span(0, 4, "ORG")]})
    page = web.sign_in("judge", role="adjudicator").get("/agreement")
    assert page.status_code == 200
    assert "<dt>annotated by 2+ annotators</dt><dd>2</dd>" in page.text
    assert "<dt>with differing spans</dt><dd>1</dd>" in page.text
    # 3 spans each, 2 the same -> strict F1 2/3; LOC against ORG earns no partial credit
    assert "<dt>entity F1, strict</dt><dd>0.667</dd>" in page.text
    # 8 tokens, 7 alike; anna PER 1 LOC 1 ORG 1 O 5, ben PER 1 ORG 2 O 5:
    # p_e = (1 + 2 + 25) / 64 -> (7/8 - 28/64) / (36/64) = 7/9
    assert "<td>anna · ben</td>" in page.text and "<strong>0.778</strong>" in page.text
    assert '<span class="label">LOC</span></td><td class="num">1</td>' in page.text
    assert "awaiting adjudication</dt><dd>1 · <a href=\"/adjudicate\">" in page.text
    assert not any(rid in page.text for rid in ids)  # aggregates only
