"""Lazy package fronts: importing a stage package loads none of its modules; a name loads
its module on first use, and a name the front does not have is an AttributeError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def make_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a package (``{file name: source}``) on ``sys.path``; forget it afterwards."""
    made: list[str] = []

    def make(name: str, files: dict[str, str]) -> None:
        (tmp_path / name).mkdir()
        for file, source in files.items():
            (tmp_path / name / file).write_text(source)
        made.append(name)

    monkeypatch.syspath_prepend(str(tmp_path))
    yield make
    for name in [m for m in sys.modules if m.split(".")[0] in made]:
        sys.modules.pop(name, None)


def test_a_name_is_imported_from_its_module_on_first_use_and_kept(make_package) -> None:
    make_package("lazyprobe", {
        "__init__.py": "from textloop.lazy import lazy_front\n"
                       "__all__, __getattr__ = lazy_front(__name__, {'heavy': ('answer', "
                       "'Thing')})\n",
        "heavy.py": "answer = 42\nclass Thing: pass\n"})
    import lazyprobe  # type: ignore[import-not-found]

    assert "lazyprobe.heavy" not in sys.modules and lazyprobe.__all__ == ["Thing", "answer"]
    assert lazyprobe.answer == 42 and "lazyprobe.heavy" in sys.modules
    assert vars(lazyprobe)["answer"] == 42  # kept: the next use is a plain attribute
    from lazyprobe import Thing  # type: ignore[import-not-found]
    assert Thing is sys.modules["lazyprobe.heavy"].Thing
    with pytest.raises(AttributeError, match="'lazyprobe' has no attribute 'nothing'"):
        lazyprobe.nothing  # noqa: B018


def test_stage_fronts_load_their_modules_only_when_a_name_is_used() -> None:
    code = """
import sys
import textloop.stages.crawl, textloop.stages.ingest
before = {m for m in ("textloop.stages.crawl.crawler", "textloop.stages.ingest.importer")
          if m in sys.modules}
from textloop.stages.crawl import crawl
from textloop.stages.ingest import import_file
import textloop.stages.crawl.crawler as crawler
assert crawl is crawler.crawl and "crawl" in textloop.stages.crawl.__all__
print(sorted(before), "textloop.stages.ingest.importer" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC), "PATH": ""}, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "True"]


def test_a_name_wins_over_its_submodule_of_the_same_name(make_package) -> None:
    """``suggest`` the function, not ``suggest.py``, however the submodule got loaded: the
    import system binds a loaded submodule on its package, which hid the front's name."""
    make_package("lazytwin", {
        "__init__.py": "from textloop.lazy import lazy_front\n"
                       "__all__, __getattr__ = lazy_front(__name__, {'suggest': ('suggest', "
                       "'Result'), 'refresh': ('refresh',)})\n",
        "suggest.py": "class Result: pass\ndef suggest(): return 'picked'\n",
        "refresh.py": "from lazytwin.suggest import Result\ndef refresh(): return Result\n"})
    import lazytwin  # type: ignore[import-not-found]
    from lazytwin import refresh  # type: ignore[import-not-found]  # loads suggest.py
    assert refresh() is sys.modules["lazytwin.suggest"].Result
    from lazytwin import suggest  # type: ignore[import-not-found]
    assert suggest() == "picked"
    import lazytwin.suggest  # type: ignore[import-not-found]
    assert lazytwin.suggest is suggest and lazytwin.Result is refresh()
    assert lazytwin.refresh is refresh


def test_stage_names_that_are_also_submodules_are_the_functions() -> None:
    code = ("from textloop.stages.active_learn import refresh\n"
            "from textloop.stages.active_learn import suggest\n"
            "import textloop.stages.synthesize.ablation\n"
            "from textloop.stages.select import cross_validate, search\n"
            "import types\n"
            "assert not any(isinstance(f, types.ModuleType) for f in "
            "(refresh, suggest, cross_validate, search)), (suggest, cross_validate)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC), "PATH": ""}, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
