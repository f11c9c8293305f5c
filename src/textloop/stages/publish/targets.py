"""Where a staged publication goes: a plain folder, the Hugging Face Hub, a git repository.

Each target publishes a version all at once or not at all, and the version's tag comes
last, so an interrupted upload never leaves a half-published version and a retry resumes
or starts clean:

- ``FolderTarget`` (``--to DIR``) writes beside the folder and swaps it in with renames;
- ``HubTarget`` (``--to hf://OWNER/NAME``) uploads the files with ``huggingface_hub``
  (large files first, each stored on the Hub under its sha256, so a retry sends only what
  is missing), makes one commit, then tags it ``vN``;
- ``GitTarget`` (``--to git+file:///path``, or ``git+https://``, ``git+ssh://``) commits
  in a fresh clone with data files tracked by git-lfs and pushes the branch and the tag in
  one atomic push: the LFS objects go up first, and no ref moves unless all of it arrives.

A version already tagged on the target is not published again (versions are immutable).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from textloop.errors import (
    ConflictError,
    ExternalServiceError,
    InvalidInputError,
    MissingExtraError,
)

KAGGLE_METADATA = "dataset-metadata.json"
LFS_PATTERNS = ("*.parquet", "*.onnx", "*.npy", "*.safetensors", "*.bin")
"""Files a git target stores through git-lfs: data, graphs and weights."""
_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Published:
    location: str
    """Where the version can be found (a folder, a Hub URL, a git URL and tag)."""
    already: bool = False
    """True when the target already held this version: nothing was sent."""
    commit: str | None = None


class Target(Protocol):
    kind: str

    def describe(self) -> str: ...

    def prepare(self, folder: Path, meta: dict[str, Any]) -> None:
        """Add the files this kind of target needs beside the staged ones (listed too)."""

    def publish(self, folder: Path, tag: str, message: str) -> Published: ...


def parse_target(text: str, *, repo_type: str = "dataset", public: bool = False,
                 endpoint: str | None = None, token: str | None = None) -> Target:
    """``hf://OWNER/NAME``, ``git+SCHEME://...``, or a folder path."""
    if text.startswith("hf://"):
        repo_id = text[len("hf://"):].strip("/")
        if not _REPO_ID.fullmatch(repo_id):
            raise InvalidInputError(f"--to {text}: {repo_id!r} is not a Hub repository id "
                                    "(expected OWNER/NAME)", hint="e.g. --to hf://acme/reviews")
        return HubTarget(repo_id, repo_type=repo_type, private=not public, endpoint=endpoint,
                         token=token)
    if text.startswith("git+"):
        url = text[len("git+"):]
        if not re.match(r"(file|https?|ssh)://", url):
            raise InvalidInputError(f"--to {text}: unknown git URL (expected git+file://, "
                                    "git+https:// or git+ssh://)",
                                    hint="e.g. --to git+file:///srv/git/reviews.git")
        return GitTarget(url)
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise InvalidInputError(f"--to {text}: unknown target", hint="use hf://OWNER/NAME, "
                                "git+file:///path (or git+https://, git+ssh://) or a folder")
    return FolderTarget(Path(text))


@dataclass
class FolderTarget:
    """A plain folder (e.g. for Kaggle's uploader, which reads ``dataset-metadata.json``)."""

    path: Path
    kind: str = "folder"

    def describe(self) -> str:
        return f"folder {self.path.resolve()}"

    def prepare(self, folder: Path, meta: dict[str, Any]) -> None:
        if meta.get("kind") == "model":  # Kaggle's dataset metadata describes datasets
            return
        owner = os.environ.get("KAGGLE_USERNAME") or "INSERT_USERNAME"
        slug = re.sub(r"[^a-z0-9]+", "-", meta["name"].casefold()).strip("-") or "dataset"
        title = " ".join(meta["name"].split())[:50]
        body = {"title": title, "id": f"{owner}/{slug}",
                "licenses": [{"name": meta["license"]}],
                "subtitle": f"release {meta['release']}"[:80]}
        (folder / KAGGLE_METADATA).write_text(json.dumps(body, indent=1) + "\n",
                                              encoding="utf-8")

    def publish(self, folder: Path, tag: str, message: str) -> Published:
        final = self.path.resolve()
        ours = {p.name for p in folder.iterdir()}
        if final.exists():
            present = {p.name for p in final.iterdir()} if final.is_dir() else {final.name}
            foreign = sorted(n for n in present - ours if not n.endswith(".parquet"))
            if not final.is_dir() or foreign:
                raise ConflictError(
                    f"--to {self.path}: the folder holds files a publication does not write "
                    f"({', '.join(foreign[:5]) or final.name})",
                    hint="name a new or empty folder, or one an earlier `textloop publish` "
                         "wrote (it is replaced whole)")
        final.parent.mkdir(parents=True, exist_ok=True)
        for stale in final.parent.glob(f".{final.name}.publish-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by an interrupted publication
        token = uuid.uuid4().hex[:8]
        fresh = final.parent / f".{final.name}.publish-{token}"
        old = final.parent / f".{final.name}.publish-{token}-old"
        try:
            shutil.copytree(folder, fresh, copy_function=shutil.copy2)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        if final.exists():
            os.replace(final, old)
        os.replace(fresh, final)
        shutil.rmtree(old, ignore_errors=True)
        return Published(str(final))


@dataclass
class HubTarget:
    """A repository on the Hugging Face Hub (or a server speaking its API at ``endpoint``)."""

    repo_id: str
    repo_type: str = "dataset"
    private: bool = True
    endpoint: str | None = None
    token: str | None = None
    kind: str = "hub"

    def describe(self) -> str:
        where = self.endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co"
        return (f"{'private' if self.private else 'public'} Hub {self.repo_type} "
                f"repository {self.repo_id} at {where}")

    def prepare(self, folder: Path, meta: dict[str, Any]) -> None:
        return None

    def publish(self, folder: Path, tag: str, message: str) -> Published:
        try:
            from huggingface_hub import CommitOperationAdd, HfApi
            from huggingface_hub.errors import HfHubHTTPError
        except ImportError as exc:
            raise MissingExtraError("huggingface_hub", "publish",
                                    "publishing to the Hugging Face Hub") from exc
        api = HfApi(endpoint=self.endpoint, token=self.token)
        url = f"{api.endpoint}/{'datasets/' if self.repo_type == 'dataset' else ''}{self.repo_id}"
        try:
            api.create_repo(self.repo_id, repo_type=self.repo_type, private=self.private,
                            exist_ok=True)
            refs = api.list_repo_refs(self.repo_id, repo_type=self.repo_type)
            tagged = {t.name: t.target_commit for t in refs.tags}
            if tag in tagged:
                return Published(f"{url}/tree/{tag}", already=True, commit=tagged[tag])
            operations = [CommitOperationAdd(path_in_repo=str(p.relative_to(folder)),
                                             path_or_fileobj=str(p))
                          for p in sorted(folder.rglob("*")) if p.is_file()]
            commit = api.create_commit(self.repo_id, operations, commit_message=message,
                                       repo_type=self.repo_type)
            api.create_tag(self.repo_id, tag=tag, revision=commit.oid,
                           repo_type=self.repo_type, tag_message=message)
        except (HfHubHTTPError, RuntimeError) as exc:  # RuntimeError: a failed LFS upload
            raise ExternalServiceError(
                f"the Hub refused or failed publishing to {self.repo_id}: {exc}",
                hint="check the token (HF_TOKEN, or `hf auth login`) and its write access; "
                     "run the command again: files already sent are not sent twice, and the "
                     "version is tagged only once complete") from exc
        return Published(f"{url}/tree/{tag}", commit=commit.oid)


@dataclass
class GitTarget:
    """A git repository whose data files go through git-lfs."""

    url: str
    branch: str = "main"
    kind: str = "git"

    def describe(self) -> str:
        return f"git repository {self.url} (branch {self.branch}, data through git-lfs)"

    def prepare(self, folder: Path, meta: dict[str, Any]) -> None:
        lines = [f"{pattern} filter=lfs diff=lfs merge=lfs -text" for pattern in LFS_PATTERNS]
        (folder / ".gitattributes").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def publish(self, folder: Path, tag: str, message: str) -> Published:
        _require_git_lfs()
        tags = _git(None, "ls-remote", "--tags", self.url, f"refs/tags/{tag}")
        if tags.strip():
            return Published(f"{self.url}@{tag}", already=True, commit=tags.split()[0])
        with tempfile.TemporaryDirectory(prefix="textloop-git-") as tmp:
            work = Path(tmp) / "repo"
            _git(None, "clone", "--quiet", "--no-checkout", self.url, str(work))
            _git(work, "lfs", "install", "--local")
            heads = _git(work, "ls-remote", "--heads", "origin", self.branch)
            if heads.strip():  # other files in the repository stay, as on the Hub
                _git(work, "checkout", "--quiet", self.branch)
            else:
                _git(work, "checkout", "--quiet", "--orphan", self.branch)
            for path in folder.iterdir():
                shutil.copy2(path, work / path.name)
            _git(work, "add", "--all")
            _git(work, *_identity(work), "commit", "--quiet", "--allow-empty", "-m", message)
            _git(work, *_identity(work), "tag", "-a", tag, "-m", message)
            _git(work, "push", "--quiet", "--atomic", "origin",
                 f"HEAD:refs/heads/{self.branch}", f"refs/tags/{tag}")
            commit = _git(work, "rev-parse", "HEAD").strip()
        return Published(f"{self.url}@{tag}", commit=commit)


def _require_git_lfs() -> None:
    if shutil.which("git") is None or subprocess.run(
            ["git", "lfs", "version"], capture_output=True, check=False).returncode != 0:
        raise ExternalServiceError(
            "publishing to git needs git and git-lfs, and `git lfs` is not installed",
            hint="run scripts/install-git-lfs.sh (Debian's git-lfs), or see https://git-lfs.com")


def _identity(work: Path) -> list[str]:
    """A committer for machines where git has none configured."""
    found = subprocess.run(["git", "config", "user.email"], cwd=work, capture_output=True,
                           text=True, check=False).stdout.strip()
    return [] if found else ["-c", "user.name=textloop", "-c", "user.email=textloop@localhost"]


def _git(cwd: Path | None, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    if result.returncode != 0:
        raise ExternalServiceError(
            f"git {args[0]} failed: {result.stderr.strip() or result.stdout.strip()}",
            hint="check the repository URL and your access to it; run the command again: "
                 "nothing is tagged until the whole version has been pushed")
    return result.stdout
