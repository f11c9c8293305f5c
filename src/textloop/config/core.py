"""Finding, loading, explaining and writing ``textloop.yaml``.

Validation errors name the key and say how to fix it, because this file is edited by hand;
writes are atomic, because a crash must never leave half a spec.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from textloop.config.base import SPEC_FILE, STORE_DIR
from textloop.config.spec import ProjectSpec
from textloop.errors import ConfigError, NotFoundError


class Project:
    """A project folder: its spec plus where its store and artifacts live."""

    def __init__(self, root: Path, spec: ProjectSpec) -> None:
        self.root = root
        self.spec = spec

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    @property
    def store_dir(self) -> Path:
        return self.root / STORE_DIR

    @property
    def store_url(self) -> str:
        """The store URL; relative SQLite paths are resolved against the project folder."""
        url = os.environ.get("TEXTLOOP_STORE_URL") or self.spec.store
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url[len(prefix):].startswith("/"):
            return prefix + str((self.root / url[len(prefix):]).resolve())
        return url

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop init --json`` prints: where the project lives and what it
        classifies (``textloop status --json`` has the counts)."""
        return {"name": self.spec.name, "root": str(self.root),
                "spec_path": str(self.spec_path), "store_url": self.store_url,
                "task": self.spec.task, "language": self.spec.language,
                "labels": [label.name for label in self.spec.labels],
                "goal": {"metric": self.spec.goal.metric, "target": self.spec.goal.target}}

    def save(self) -> None:
        """Rewrite the spec (used when ``--add-labels`` extends the label set)."""
        write_spec(self.spec_path, self.spec)


def load_spec(path: Path) -> ProjectSpec:
    """Parse and validate a spec file, turning every problem into a ``ConfigError`` with a fix."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFoundError(f"{path}: no such file", hint="run `textloop init NAME` first") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})",
                          hint="save the file as UTF-8") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}",
                          hint="check indentation and quoting on that line") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of keys (name, labels, ...), "
                          f"found {type(raw).__name__}", hint="see `textloop init --help`")
    try:
        return ProjectSpec.model_validate(raw)
    except ValidationError as exc:
        raise explain_validation(str(path), exc) from None


def explain_validation(source: str, exc: ValidationError) -> ConfigError:
    """Turn pydantic's error list into one message per problem, each naming key and fix."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        kind = err["type"]
        if kind == "extra_forbidden":
            parent_fields = _fields_at(err["loc"][:-1])
            close = difflib.get_close_matches(str(err["loc"][-1]), parent_fields, n=1)
            known = ", ".join(parent_fields)
            fix = f"did you mean `{close[0]}`?" if close else f"known keys: {known}"
            lines.append(f"unknown key `{key}`: {fix}")
        elif kind == "missing":
            lines.append(f"missing required key `{key}`: add it (see `textloop init --help`)")
        else:
            message = err["msg"].removeprefix("Value error, ")
            got = err.get("input")
            if not err["loc"]:
                lines.append(message)
                continue
            shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
            lines.append(f"key `{key}`: {message} (found {shown})")
    summary = "; ".join(lines)
    return ConfigError(f"{source}: {summary}", hint="edit textloop.yaml and run the command again")


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by following ``loc`` from ``ProjectSpec``."""
    model: Any = ProjectSpec
    dict_key = False  # the part after a ``dict[str, Model]`` field is a key, not a field
    for part in loc:
        if isinstance(part, int) or dict_key:
            dict_key = False
            continue
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        dict_key = get_origin(annotation) is dict
        inner = getattr(annotation, "__args__", (annotation,))
        model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return sorted(model.model_fields)


def write_spec(path: Path, spec: ProjectSpec) -> None:
    """Write the spec atomically so a crash never leaves a half-written file."""
    data = spec.model_dump(mode="json", exclude_none=True,
                           exclude={"target"} if spec.task != "regression" else None)
    for label in data.get("labels", []):
        if not label.get("seeds"):
            label.pop("seeds", None)  # most labels have none; an empty list is noise
    _write_atomically(path, _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                                     width=100))


def set_spec_key(path: Path, key: str, value: str) -> None:
    """Set one top-level scalar key in the spec file, leaving every other line as it was.

    For values textloop records on its own (the language detected at import), a user's
    comments and layout must survive: only the ``key:`` line is replaced, or added after
    ``text_field:`` (else at the end). ``safe_dump`` quotes values YAML would misread
    (``no`` is Norwegian, not false).
    """
    entry = yaml.safe_dump({key: value}, allow_unicode=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is not None:
        lines[at] = entry
    else:
        after = next((i + 1 for i, line in enumerate(lines) if line.startswith("text_field:")),
                     len(lines))
        lines.insert(after, entry)
    _write_atomically(path, "".join(lines))


def _write_atomically(path: Path, text: str) -> None:
    """A crash leaves the old file or the new one, never half of one."""
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_HEADER = """\
# textloop project spec. Label descriptions are the labeling guideline shown to annotators.
# goal: the metric and target a model must reach; actions: how a probability becomes an action
# (the highest band whose threshold the score reaches wins, otherwise `default`).
"""


def find_project(start: Path | None = None) -> Project:
    """Locate ``textloop.yaml`` in ``start`` or its parents (like git), or ``$TEXTLOOP_PROJECT``."""
    env = os.environ.get("TEXTLOOP_PROJECT")
    origin = Path(env) if env and start is None else (start or Path.cwd())
    origin = origin.resolve()
    for folder in (origin, *origin.parents):
        candidate = folder / SPEC_FILE
        if candidate.is_file():
            return Project(folder, load_spec(candidate))
    raise NotFoundError(
        f"no {SPEC_FILE} in {origin} or any parent folder",
        hint="run `textloop init NAME` to create a project, or pass --project PATH",
    )
