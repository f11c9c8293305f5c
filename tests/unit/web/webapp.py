"""A labeling project, its store and the web app, plus a signed-in test client per person.

Shared by the route tests (FastAPI's ``TestClient``) and the browser tests (a real server):
records are imported from a CSV written in ``tmp_path`` and queued in the given order.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from textloop.config import Label, Project
from textloop.spans import Span, encode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.annotators import add_annotator
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, queue, records
from textloop.texts import normalize_text
from textloop.texts import unescape_html as unescape_html_text
from textloop.web.app import create_app
from textloop.web.settings import WebSettings

BASE_URL = "http://127.0.0.1:8000"
LABELS = (Label(name="spam", description="Unsolicited ads, scams & phishing"),
          Label(name="ham", description="Anything a person wrote on purpose"),
          Label(name="other", description="Neither <b>spam</b> nor ham"))
SPAN_LABELS = (Label(name="PER", description="People <by name>"),
               Label(name="ORG", description="Organisations"),
               Label(name="LOC", description="Places"))
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
CSRF = re.compile(r'<body data-csrf="([^"]*)"')


def make_project(root: Path, *, task: str = "classification", overlap: int = 1,
                 labels: Sequence[Label] = LABELS) -> Project:
    project = init_project(root, labels=list(labels), metadata_fields=["source"], task=task)
    project.spec.labeling.overlap = overlap
    project.save()
    return project


def queue_texts(store: Store, project: Project, folder: Path, texts: Sequence[str], *,
                meta: Sequence[dict[str, str]] | None = None, overlap: int = 1,
                suggestion: str | None = "spam", confidence: float | None = 0.7,
                unescape_html: bool = False) -> list[str]:
    """Import ``texts`` (with optional metadata per text) and queue them in this order;
    ``unescape_html`` as ``textloop import --unescape-html`` (texts are then the raw ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"batch-{len(list(folder.glob('batch-*.csv')))}.csv"
    meta = meta or [{"source": f"mail {i}"} for i in range(len(texts))]
    columns = ["text", *sorted({key for row in meta for key in row})]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for text, extra in zip(texts, meta, strict=True):
            writer.writerow([text, *(extra.get(c, "") for c in columns[1:])])
    import_file(store, project, path, ImportOptions(text_col="text", label_col="",
                                                    meta_cols=columns[1:],
                                                    unescape_html=unescape_html))
    stored = [normalize_text(unescape_html_text(t) if unescape_html else t) for t in texts]
    with store.write() as conn:
        by_text = {r.text: r.id for r in records.iter_all(conn)}
        ids = [by_text[text] for text in stored]
        queue.enqueue(conn, [{"record_id": rid, "priority": float(len(ids) - i),
                              "strategy": "test", "batch_id": path.stem, "overlap": overlap,
                              "suggestion": suggestion, "confidence": confidence}
                             for i, rid in enumerate(ids)])
    return ids


def answer_spans(store: Store, record_id: str, answers: dict[str, Sequence[Span]], *,
                 kind: str = "human") -> None:
    """Each annotator's spans on a record, stored as the labeling page stores them."""
    with store.write() as conn:
        for who, spans in answers.items():
            annotation_log.add_one(conn, record_id=record_id, kind=kind, annotator=who,
                                   label=encode_spans(spans))


@dataclass
class User:
    """A signed-in person: a test client holding their session cookie and CSRF token."""

    name: str
    client: TestClient
    csrf: str

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = True,
             csrf: bool = True, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if htmx:
            headers["HX-Request"] = "true"
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        return self.client.post(path, data=data, headers=headers, **kwargs)


@dataclass
class Web:
    """A project with its store, app and annotator tokens."""

    project: Project
    store: Store
    app: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, role: str = "annotator") -> str:
        self.tokens[name] = add_annotator(self.store, name, role)
        return self.tokens[name]

    def client(self) -> TestClient:
        return TestClient(self.app, base_url=BASE_URL)

    def sign_in(self, name: str, role: str = "annotator") -> User:
        """Create the account when new, sign in with its token, read the page's CSRF token."""
        if name not in self.tokens:
            self.add(name, role)
        client = self.client()
        response = client.post("/login", data={"name": name, "token": self.tokens[name]},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        page = client.get("/label")
        found = CSRF.search(page.text)
        assert found and found.group(1), page.text
        return User(name, client, found.group(1))


def make_web(root: Path, *, task: str = "classification", overlap: int = 1,
             settings: WebSettings | None = None, labels: Sequence[Label] = LABELS,
             project: Project | None = None) -> Web:
    """The app over ``project``, or over a new one with the given task, overlap and labels."""
    project = project or make_project(root / "proj", task=task, overlap=overlap, labels=labels)
    store = Store.for_project(project)
    app = create_app(project, store, settings or WebSettings(retrain=False))
    return Web(project, store, app)
