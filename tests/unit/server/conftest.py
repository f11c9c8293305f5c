"""A project with a promoted champion, trained once per module and copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.server.fixtures import with_champion
from textloop.config import Label, Project, find_project
from textloop.stages.project.init import init_project
from textloop.storage import Store


@pytest.fixture(scope="module")
def champion_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    project = init_project(root / "proj", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(project) as store:
        with_champion(store, project, root)
    project.save()
    return project.root


@pytest.fixture
def served(champion_template: Path, tmp_path: Path) -> tuple[Project, Store]:
    """A fresh copy of the champion project and its open store."""
    root = shutil.copytree(champion_template, tmp_path / "proj")
    project = find_project(root)
    with Store.for_project(project) as store:
        yield project, store
