"""The app as a whole: its routes, static files, error pages and the refresher's lifespan."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.unit.web.webapp import BASE_URL, Web, make_project
from textloop.storage import Store
from textloop.web.app import create_app
from textloop.web.settings import WebSettings


def test_home_leads_to_labeling_and_health_needs_no_sign_in(web: Web) -> None:
    client = web.client()
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/label")
    health = client.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok")


def test_vendored_htmx_and_the_page_script_are_served(web: Web) -> None:
    client = web.client()
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "X-CSRF-Token" in script.text
    assert client.get("/static/app.css").status_code == 200


def test_no_api_docs_are_exposed(web: Web) -> None:
    client = web.client()
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_unknown_pages_get_an_html_page_and_htmx_calls_json(web: Web) -> None:
    client = web.client()
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no page /nowhere" in page.text and "Back to labeling" in page.text
    api = client.get("/api/nowhere")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    htmx = client.get("/nowhere", headers={"HX-Request": "true"})
    assert htmx.json()["error"]["message"] == "no page /nowhere"


def test_validation_errors_use_the_one_error_shape(web: Web) -> None:
    user = web.sign_in("alice")
    response = user.post("/label/answer", {"label": "spam"})  # no record_id
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and "record_id" in error["message"]


class FakeRefresher:
    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self) -> None:
        self.events.append("start")

    def notify_labeled(self, n: int = 1) -> None:
        self.events.append("labeled")

    def request_now(self) -> bool:
        self.events.append("now")
        return True

    @property
    def busy(self) -> bool:
        return False

    def stop(self, timeout: float = 30.0) -> None:
        self.events.append("stop")


def test_the_refresher_runs_with_the_app_and_hears_of_each_answer(tmp_path: Path) -> None:
    from tests.unit.web.webapp import Web, queue_texts

    project = make_project(tmp_path / "proj")
    with Store.for_project(project) as store:
        refresher = FakeRefresher()
        web = Web(project, store, create_app(project, store, WebSettings(), refresher))
        ids = queue_texts(store, project, tmp_path / "data", ["one text", "two text"])
        with TestClient(web.app, base_url=BASE_URL):
            user = web.sign_in("alice")
            assert refresher.events == ["start"]
            user.post("/label/answer", {"record_id": ids[0], "label": "ham"})
            user.post("/label/skip", {"record_id": ids[1]})
            # a skip is no new label; the emptied queue asks for the next batch at once
            assert refresher.events == ["start", "labeled", "now"]
        assert refresher.events[-1] == "stop"


def test_an_empty_queue_waits_for_the_next_batch_and_shows_it(tmp_path: Path) -> None:
    from tests.unit.web.webapp import Web, queue_texts

    project = make_project(tmp_path / "proj")
    with Store.for_project(project) as store:
        web = Web(project, store, create_app(project, store, WebSettings(), FakeRefresher()))
        (first,) = queue_texts(store, project, tmp_path / "data", ["only text"])
        with TestClient(web.app, base_url=BASE_URL):
            user = web.sign_in("alice")
            dry = user.post("/label/answer", {"record_id": first, "label": "ham"})
            assert "Choosing your next records" in dry.text
            assert 'hx-get="/label/panel"' in dry.text  # the page polls for the new batch
            (second,) = queue_texts(store, project, tmp_path / "more", ["a new batch text"])
            polled = user.get("/label/panel")
            assert polled.status_code == 200 and f'data-record-id="{second}"' in polled.text


def test_retrain_off_starts_no_refresher(web: Web) -> None:
    with TestClient(web.app, base_url=BASE_URL):
        assert web.app.state.context.refresher is None
