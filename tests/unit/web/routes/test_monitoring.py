"""The monitoring page: charts over stored monitor runs, the latest alerts with their rows
(escaped), the empty state, slices, and the stored report served sandboxed."""

from __future__ import annotations

import base64
import re

from tests.unit.web.monitoring_fixtures import log_predictions, store_runs
from tests.unit.web.webapp import XSS, Web
from textloop.web.guards import CSP
from textloop.web.routes.monitoring import REPORT_CSP

IMAGES = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">')


def test_without_runs_the_page_says_how_to_make_one(web: Web) -> None:
    page = web.sign_in("anna").get("/monitoring")
    assert page.status_code == 200
    assert "No monitor runs yet: run <code>textloop monitor</code>" in page.text
    assert "No logged predictions: serve a model" in page.text
    assert "<img" not in page.text and "Alerts of" not in page.text
    assert '<a href="/monitoring" aria-current="page">Monitoring</a>' in page.text


def test_the_page_plots_runs_and_traffic_and_lists_the_latest_alerts(web: Web) -> None:
    log_predictions(web)
    latest = store_runs(web)
    page = web.sign_in("anna").get("/monitoring")
    assert page.status_code == 200
    charts = {alt: base64.b64decode(svg).decode() for svg, alt in IMAGES.findall(page.text)}
    assert list(charts) == ["Drift checks over time", "Performance over time", "Traffic"]
    assert "oov" in charts["Drift checks over time"] and "p99" in charts["Traffic"]
    assert f"<dt>latest run</dt><dd>{latest} <span class=\"badge drift\">drift</span>" in page.text
    assert ('<td class="label">oov</td><td><span class="badge drift">drift</span></td>'
            '<td class="num">0.1660</td><td class="num">0.0681</td>') in page.text
    # the estimate as the run's report shows it: one name, one format, ± 2 standard errors
    assert ('<dt>Estimated accuracy (CBPE)</dt><dd>0.790 ± 0.020 <span class="muted">± 2'
            in page.text)
    assert "0.650 on 40 rows with feedback" in page.text
    assert "3 predictions logged" in page.text
    # the alert's rows: the markup is text, feedback shows, a row gone from the log says so
    assert XSS not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page.text
    assert '<td class="label">r1#0</td>' in page.text
    assert '<span class="label">ham</span>' in page.text  # r1's feedback
    assert ('gone#0</td><td colspan="4" class="muted">no longer in the prediction log'
            in page.text)
    assert "2023-11-14 22:13:20 UTC" in page.text
    assert "report.html" not in page.text and "not stored" in page.text


def test_a_slice_is_chosen_by_link_and_an_unknown_one_is_refused(web: Web) -> None:
    store_runs(web)
    user = web.sign_in("anna")
    page = user.get("/monitoring")
    assert '<a href="/monitoring?slice=length%3D%3C40">length=&lt;40</a>' in page.text
    sliced = user.get("/monitoring?slice=length%3D%3C40")
    assert sliced.status_code == 200
    assert '<th>check (length=&lt;40)</th>' in sliced.text
    assert '<td class="num">0.0500</td>' in sliced.text
    refused = user.get("/monitoring?slice=topic%3Dx")
    assert refused.status_code == 422 and "has no slice" in refused.text


def test_a_log_without_texts_is_said_and_rows_show_their_hash(web: Web) -> None:
    web.project.spec.serving.log_texts = "hash"
    log_predictions(web, log_texts=False)
    store_runs(web)
    page = web.sign_in("anna").get("/monitoring")
    assert "The prediction log keeps no texts (serving.log_texts: hash)" in page.text
    assert "not logged (hash 000000000000)" in page.text


def test_the_stored_report_is_served_under_its_own_sandboxed_policy(web: Web) -> None:
    latest = store_runs(web, report_html="<html><style>p{}</style><p>the report</p></html>")
    user = web.sign_in("anna")
    page = user.get("/monitoring")
    assert f'<a href="/monitoring/reports/{latest}" target="_blank"' in page.text
    served = user.get(f"/monitoring/reports/{latest}")
    assert served.status_code == 200 and "<p>the report</p>" in served.text
    assert served.headers.get_list("content-security-policy") == [REPORT_CSP]
    assert "sandbox" in REPORT_CSP and served.headers["x-frame-options"] == "DENY"
    assert user.get("/monitoring").headers.get_list("content-security-policy") == [CSP]
    missing = user.get("/monitoring/reports/mon1")  # stored without a report file
    assert missing.status_code == 404 and "has no report.html" in missing.text
    assert user.get("/monitoring/reports/m9").status_code == 404
    assert user.get("/monitoring/reports/..%2F..%2Fetc").status_code in (400, 404)


def test_the_page_and_reports_need_a_session(web: Web) -> None:
    latest = store_runs(web, report_html="<p>private</p>")
    client = web.client()
    for path in ("/monitoring", f"/monitoring/reports/{latest}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
