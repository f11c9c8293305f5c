"""Monitor runs and a prediction log for the web tests, stored directly (no monitor run:
fast, exact numbers). One logged text is hostile markup and drives an alert."""

from __future__ import annotations

from tests.unit.stages.monitor.stored_reports import stored_report
from tests.unit.web.webapp import XSS, Web
from textloop.storage import monitoring, predictions

START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
TEXTS = [XSS, "where is my parcel", "cancel my order please"]
PERFORMANCE = {"estimated": {"accuracy": 0.812, "accuracy_se": 0.01, "macro_f1": 0.774},
               "realized": {"accuracy": 0.65, "macro_f1": 0.6, "rows": 40},
               "reference_realized": {"accuracy": 0.93, "macro_f1": 0.9}}


def log_predictions(web: Web, texts: list[str] = TEXTS, *, log_texts: bool = True) -> None:
    """One request per text, a minute apart, taking 10, 20, 30... ms; feedback on the second."""
    rows = [{"request_id": f"r{i}", "idx": 0, "created_at": START + 60 * i, "model_version": 1,
             "run_name": "tfidf-lr-1", "api_key": None, "text": text if log_texts else None,
             "text_hash": f"{i:064x}", "label": "spam", "probabilities": {"spam": 0.7,
                                                                           "ham": 0.3},
             "score": 0.7, "band": "review", "value": None, "latency_ms": 10.0 * (i + 1)}
            for i, text in enumerate(texts)]
    with web.store.write() as conn:
        predictions.insert_many(conn, rows)
        predictions.add_feedback(conn, request_id="r1", idx=0, label="ham", api_key=None,
                                 record_id=None, annotation_id=None)


def store_runs(web: Web, *, report_html: str | None = None) -> str:
    """Two monitor runs: m1 all ok, m2 with an oov alert driven by r0 (the markup), r1 and
    a row no longer logged; m2's report.html holds ``report_html`` when given."""
    stored_report(web.store, [
        {"name": "oov", "status": "ok", "score": 0.02, "threshold": 0.07, "p_value": 0.4},
        {"name": "performance", "status": "ok", "score": 0.01, "threshold": 0.05,
         "details": PERFORMANCE}], status="ok")
    latest = stored_report(web.store, [
        {"name": "oov", "score": 0.166, "threshold": 0.0681, "p_value": 0.00076,
         "rows": ["r0", "r1", "gone"]},
        {"name": "oov", "slice": "length=<40", "status": "ok", "score": 0.05,
         "threshold": 0.1},
        {"name": "performance", "status": "ok", "score": 0.02, "threshold": 0.05,
         "details": {**PERFORMANCE, "estimated": {**PERFORMANCE["estimated"],
                                                   "accuracy": 0.79}}}])
    if report_html is not None:
        folder = web.store.path_for("monitor", latest)
        folder.mkdir(parents=True)
        (folder / "report.html").write_text(report_html, encoding="utf-8")
        with web.store.write() as conn:
            monitoring.set_report_path(conn, latest, f"monitor/{latest}")
    return latest
