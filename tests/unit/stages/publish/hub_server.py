"""A local Hugging Face Hub on 127.0.0.1 (random port) speaking the endpoints the real
``huggingface_hub`` client calls to create a repository, upload (regular files in the
commit, large ones through the LFS batch API with upload URLs pointing back here),
commit, tag, list refs and download (``resolve``).

Repositories keep every commit's files, so a test reads back any revision or tag. Xet
storage is not spoken here: tests set ``HF_HUB_DISABLE_XET`` (the client then uses LFS, as
it does wherever ``hf_xet`` is not installed). ``fail_lfs_uploads`` makes the next N LFS
uploads fail, ``fail_tags`` the next N tags, to interrupt a publication midway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.unit.loopback import serving

LFS_SUFFIXES = (".parquet", ".onnx", ".npy", ".safetensors")
"""Files the Hub stores through LFS, as its default ``.gitattributes`` says."""


@dataclass
class Repo:
    private: bool
    kind: str = "dataset"
    commits: list[tuple[str, dict[str, bytes]]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def files(self, revision: str) -> tuple[str, dict[str, bytes]] | None:
        """(commit oid, files) at a branch (``main``), tag or commit oid."""
        if not self.commits:
            return None
        if revision == "main":
            return self.commits[-1]
        oid = self.tags.get(revision, revision)
        return next((c for c in self.commits if c[0] == oid), None)


class HubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str, str]] = []
        """(method, Host header, path) of every request."""
        self.fail_lfs_uploads = 0
        self.fail_tags = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: HubServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
              raw: bytes | None = None, head: bool = False) -> None:
        data = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if raw is None else
                         "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _route(self, method: str) -> None:
        self.server.requests.append((method, self.headers.get("Host", ""), self.path))
        path = self.path.split("?")[0]
        with self.server.lock:
            for pattern, name in ROUTES:
                found = re.fullmatch(pattern, path)
                if found and name.startswith(method.lower() + "_"):
                    return getattr(self, name)(*found.groups())
        self._send(404, {"error": f"no route {method} {path}"})

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PUT(self) -> None:
        self._route("PUT")

    def _repo(self, repo_id: str) -> Repo | None:
        repo = self.server.repos.get(repo_id)
        if repo is None:
            self._send(404, {"error": f"Repository {repo_id} not found"},
                       {"X-Error-Code": "RepoNotFound"})
        return repo

    def post_create(self) -> None:
        body = json.loads(self._body())
        repo_id = f"{body['organization']}/{body['name']}"
        kind = body.get("type") or "model"
        url = f"{self.server.url}/{'datasets/' if kind == 'dataset' else ''}{repo_id}"
        if repo_id in self.server.repos:
            return self._send(409, {"error": "You already created this dataset repo",
                                    "url": url})
        visibility = body.get("visibility", "private" if body.get("private") else "public")
        self.server.repos[repo_id] = Repo(private=visibility == "private", kind=kind)
        self._send(200, {"url": url, "name": repo_id})

    def post_validate_yaml(self) -> None:
        """The card's front matter must be a YAML mapping (the Hub checks its keys too)."""
        content = json.loads(self._body())["content"]
        head = content.split("---\n")[1] if content.startswith("---\n") else ""
        try:
            meta = yaml.safe_load(head)
        except yaml.YAMLError as exc:
            meta = str(exc)
        if not isinstance(meta, dict):
            return self._send(400, {"errors": [{"message": f"invalid metadata: {meta!r}"}]})
        self._send(200, {"errors": [], "warnings": []})

    def get_refs(self, repo_id: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        branches = ([{"name": "main", "ref": "refs/heads/main",
                      "targetCommit": repo.commits[-1][0]}] if repo.commits else [])
        self._send(200, {"branches": branches, "converts": [], "tags": [
            {"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid}
            for t, oid in repo.tags.items()]})

    def post_preupload(self, repo_id: str, revision: str) -> None:
        """Each file's upload mode, and the oid of the file at that path now (sha256 for
        LFS files, git's blob sha1 for others), from which the client skips unchanged ones."""
        repo = self._repo(repo_id)
        if repo is None:
            return
        current = repo.files(revision)
        present = current[1] if current is not None else {}
        out = []
        for f in json.loads(self._body())["files"]:
            lfs = f["path"].endswith(LFS_SUFFIXES)
            data = present.get(f["path"])
            oid = None if data is None else (hashlib.sha256(data).hexdigest() if lfs else
                                             _git_blob_sha1(data))
            out.append({"path": f["path"], "shouldIgnore": False, "oid": oid,
                        "uploadMode": "lfs" if lfs else "regular"})
        self._send(200, {"files": out})

    def get_revision(self, repo_id: str, revision: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        found = repo.files(revision)
        if found is None:
            return self._send(404, {"error": f"revision {revision} not found"},
                              {"X-Error-Code": "RevisionNotFound"})
        self._send(200, {"id": repo_id, "sha": found[0], "private": repo.private,
                         "siblings": [{"rfilename": p} for p in sorted(found[1])]})

    def post_batch(self, kind: str, repo_id: str) -> None:
        body = json.loads(self._body())
        objects = []
        for item in body["objects"]:
            entry = {"oid": item["oid"], "size": item["size"]}
            if item["oid"] not in self.server.lfs:  # stored already: nothing to send
                entry["actions"] = {"upload": {
                    "href": f"{self.server.url}/lfs-upload/{item['oid']}", "header": {}}}
            objects.append(entry)
        self._send(200, {"transfer": "basic", "objects": objects})

    def put_lfs(self, oid: str) -> None:
        data = self._body()
        if self.server.fail_lfs_uploads:
            self.server.fail_lfs_uploads -= 1
            return self._send(403, {"error": "upload interrupted"})
        if hashlib.sha256(data).hexdigest() != oid:
            return self._send(400, {"error": "sha256 mismatch"})
        self.server.lfs[oid] = data
        self._send(200)

    def post_commit(self, repo_id: str, revision: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        files = dict(repo.commits[-1][1]) if repo.commits else {}
        for line in self._body().splitlines():
            item = json.loads(line)
            value = item["value"]
            if item["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "lfsFile":
                if value["oid"] not in self.server.lfs:
                    return self._send(400, {"error": f"LFS object {value['oid']} missing"})
                files[value["path"]] = self.server.lfs[value["oid"]]
            elif item["key"] == "deletedFile":
                files.pop(value["path"], None)
        oid = hashlib.sha1(json.dumps(sorted((p, hashlib.sha256(b).hexdigest())
                                             for p, b in files.items())).encode()
                           + str(len(repo.commits)).encode()).hexdigest()
        repo.commits.append((oid, files))
        self._send(200, {"commitUrl": f"{self.server.url}/datasets/{repo_id}/commit/{oid}",
                         "commitOid": oid})

    def post_tag(self, repo_id: str, revision: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        tag = json.loads(self._body())["tag"]
        if self.server.fail_tags:
            self.server.fail_tags -= 1
            return self._send(503, {"error": "tagging interrupted"})
        if tag in repo.tags:
            return self._send(409, {"error": f"tag {tag} exists"})
        found = repo.files(revision)
        if found is None:
            return self._send(404, {"error": f"revision {revision} not found"},
                              {"X-Error-Code": "RevisionNotFound"})
        repo.tags[tag] = found[0]
        self._send(200)

    def get_resolve(self, kind: str, repo_id: str, revision: str, path: str) -> None:
        self._resolve(repo_id, revision, path, head=False)

    def head_resolve(self, kind: str, repo_id: str, revision: str, path: str) -> None:
        self._resolve(repo_id, revision, path, head=True)

    def _resolve(self, repo_id: str, revision: str, path: str, head: bool) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        found = repo.files(revision)
        if found is None or path not in found[1]:
            return self._send(404, {"error": "Entry not found"},
                              {"X-Error-Code": "EntryNotFound"}, head=head)
        data = found[1][path]
        self._send(200, raw=data, head=head, headers={
            "X-Repo-Commit": found[0], "ETag": f'"{hashlib.sha256(data).hexdigest()}"'})


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


_REPO = r"([^/]+/[^/]+?)"
_KIND = r"(datasets/|)"
"""Dataset repositories live under ``datasets/``, model repositories at the top."""
ROUTES = [
    (r"/api/repos/create", "post_create"),
    (r"/api/validate-yaml", "post_validate_yaml"),
    (rf"/api/(?:datasets|models)/{_REPO}/refs", "get_refs"),
    (rf"/api/(?:datasets|models)/{_REPO}/preupload/([^/]+)", "post_preupload"),
    (rf"/{_KIND}{_REPO}\.git/info/lfs/objects/batch", "post_batch"),
    (r"/lfs-upload/([0-9a-f]{64})", "put_lfs"),
    (rf"/api/(?:datasets|models)/{_REPO}/commit/([^/]+)", "post_commit"),
    (rf"/api/(?:datasets|models)/{_REPO}/tag/([^/]+)", "post_tag"),
    (rf"/api/(?:datasets|models)/{_REPO}/revision/([^/]+)", "get_revision"),
    (rf"/{_KIND}{_REPO}/resolve/([^/]+)/(.+)", "get_resolve"),
    (rf"/{_KIND}{_REPO}/resolve/([^/]+)/(.+)", "head_resolve"),
]


@contextmanager
def running_hub() -> Iterator[HubServer]:
    with serving(HubServer()) as server:
        yield server


def download(hub: HubServer, repo_id: str, revision: str, names: list[str],
             cache: Path, repo_type: str = "dataset") -> Path:
    """The files of ``revision`` through the client's own download path (``resolve``)."""
    from huggingface_hub import hf_hub_download

    paths = [Path(hf_hub_download(repo_id, name, repo_type=repo_type, revision=revision,
                                  endpoint=hub.url, cache_dir=cache)) for name in names]
    return paths[0].parent
