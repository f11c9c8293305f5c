"""What a publication holds, laid out in a temporary folder before any target sees it.

Every target receives the same staged folder, so ``--dry-run`` lists exactly what would be
uploaded (it stages, lists and deletes), and an upload never reads the release folder while
it is being sent. A release stages as its Parquet files (one per split, the names the
card's ``configs`` point at), the card as ``README.md`` with the project's license and the
personal-data waiver written on it, and ``dataset.yaml`` (restated with the published license
and files) when the release folder has one.

A file import's ``source_ref`` is cut to the file name in the published data files and
card (``release.table.shared_source_refs``), as in an export.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from textloop.artifacts import sha256_file
from textloop.stages.release import SPLITS, ReleaseData
from textloop.stages.release.dataset_yaml import (
    DATASET_YAML,
    read_dataset_yaml,
    write_dataset_yaml,
)
from textloop.stages.release.table import shared_source_refs
from textloop.stages.release.writer import CARD, split_file, write_parquet


@dataclass(frozen=True)
class PublishFile:
    """One file of a publication: its path inside the target, size and sha256."""

    path: str
    bytes: int
    sha256: str


def listing(folder: Path) -> list[PublishFile]:
    """Every file under ``folder`` (sorted by path), as a target receives it."""
    return [PublishFile(str(p.relative_to(folder)), p.stat().st_size, sha256_file(p))
            for p in sorted(folder.rglob("*")) if p.is_file()]


@contextmanager
def staging_folder() -> Iterator[Path]:
    """A private temporary folder, removed however the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="textloop-publish-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stage_release(folder: Path, release: ReleaseData, *, license: str,
                  personal_data: dict[str, Any]) -> None:
    """Copy the release's data files and card into ``folder``, and its ``dataset.yaml``
    restated for what is published: the license published under, and the sha256 of the
    published files (the card differs from the release's), so ``verify_dataset_yaml``
    passes on the published copy."""
    described = (read_dataset_yaml(release.path)
                 if (release.path / DATASET_YAML).is_file() else None)
    paths: dict[str, str] = {}
    for name in SPLITS:
        paths |= _stage_split(release.path / split_file(name), folder / split_file(name))
    card = (release.path / CARD).read_text(encoding="utf-8")
    for full, file_name in sorted(paths.items(), key=lambda item: -len(item[0])):
        card = card.replace(full, file_name)
    (folder / CARD).write_text(published_card(card, release.id, license, personal_data),
                               encoding="utf-8")
    if described is not None:  # its sources are named by file name already
        described.pop("files", None)
        write_dataset_yaml(folder, {**described, "license": license})
    for path in folder.iterdir():
        path.chmod(0o644)  # copies of read-only release files; the targets rewrite them


def _stage_split(source: Path, target: Path) -> dict[str, str]:
    """Copy one split file, file-import paths cut to the file name (module docstring);
    returns each path replaced -> its file name. A split without such paths is copied as is,
    byte for byte."""
    table, paths = shared_source_refs(pq.read_table(source))
    if not paths:
        shutil.copyfile(source, target)
        return {}
    write_parquet(target, table)
    return paths


def published_card(card: str, release_id: str, license: str,
                   personal_data: dict[str, Any]) -> str:
    """The release's card with the license published under (textloop.yaml's, which may
    have been set after the release was made) and a section saying what was published,
    with the personal-data waiver when there is one. No clock: the same release stages
    the same bytes, so a dry run lists the very sha256 sent, and a retry finds the files
    it already sent unchanged."""
    head, body = split_front_matter(card)
    old = str(head.get("license", ""))
    head["license"] = license
    if old and old != license:
        body = body.replace(f"license: {old}.", f"license: {license}.", 1)
    section = [f"## Publication\n\nRelease {release_id}, published with `textloop publish` "
               f"under the license {license}."]
    waiver = personal_data.get("waiver")
    if waiver:
        kinds = ", ".join(f"{kind} ({n:,})" for kind, n in personal_data["kinds"].items())
        section.append(
            f"**Personal data:** {personal_data['records']:,} records hold personal data "
            f"found by `textloop clean` ({', '.join(personal_data['cleanings'])}: {kinds}) "
            f"and were published without redaction. Reason given: {waiver}")
    return ("---\n" + yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100)
            + "---\n" + body.rstrip("\n") + "\n\n" + "\n\n".join(section) + "\n")


def split_front_matter(card: str) -> tuple[dict[str, Any], str]:
    """(YAML front matter, Markdown body) of a card written with ``---`` fences."""
    if card.startswith("---\n"):
        end = card.find("\n---\n", 4)
        if end >= 0:
            return dict(yaml.safe_load(card[4:end]) or {}), card[end + 5:]
    return {}, card
