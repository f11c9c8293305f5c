"""Creating a project folder with its spec and store."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from textloop.config import (
    SPEC_FILE,
    STORE_DIR,
    Actions,
    Goal,
    Label,
    Project,
    ProjectSpec,
    Target,
    explain_validation,
    load_spec,
    look_alike_problem,
    set_spec_key,
    write_spec,
)
from textloop.errors import ConflictError, InvalidInputError
from textloop.languages import SAMPLE_TEXTS, detect_language
from textloop.storage import Store, records

_ENTRY_SEPARATORS = re.compile("[;,]")
# ", name=" inside a description: a second label joined with ',' where ';' was needed
_JOINED = re.compile(r",\s*[^\s,;=][^,;=]*=")
_LABELS_HINT = ("separate labels with ';' (or ',' when none has a description), e.g. "
                "--labels 'spam=Unwanted ads, scams;ham=Anything else' or --labels PER;ORG;LOC")


def init_project(folder: Path, *, name: str | None = None, labels: Sequence[Label] = (),
                 text_field: str = "text", metadata_fields: Sequence[str] = (),
                 goal: Goal | None = None, description: str = "",
                 score_labels: Sequence[str] = (), task: str = "classification",
                 target: Target | None = None, language: str | None = None) -> Project:
    """Write ``textloop.yaml`` and create an empty store; refuses to overwrite a project.

    ``task="regression"`` takes no labels and a ``target``; its goal defaults to r2 >= 0.5.
    ``language`` (a BCP 47 tag such as ``ko``) is otherwise detected at the first import.
    """
    folder = folder.resolve()
    spec_path = folder / SPEC_FILE
    if spec_path.exists():
        raise ConflictError(f"{spec_path} already exists",
                            hint="pick another folder, or edit the existing textloop.yaml")
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder} exists and is not a folder", hint="choose another name")
    _check_look_alikes(labels)
    try:
        actions = Actions.for_filter(list(score_labels)) if score_labels else Actions()
        spec = ProjectSpec.model_validate({
            "name": name or folder.name, "description": description, "task": task,
            "labels": list(labels), "text_field": text_field,
            "metadata_fields": list(metadata_fields), "actions": actions,
            **({"language": language} if language else {}),
            **({"goal": goal} if goal else {}), **({"target": target} if target else {})})
    except ValidationError as exc:
        error = explain_validation("textloop init", exc)
        raise InvalidInputError(error.message, hint="check the options given to init") from None
    folder.mkdir(parents=True, exist_ok=True)
    write_spec(spec_path, spec)
    (folder / STORE_DIR).mkdir(exist_ok=True)
    (folder / ".gitignore").write_text(f"{STORE_DIR}/\n", encoding="utf-8")
    project = Project(folder, load_spec(spec_path))
    Store.for_project(project).close()
    return project


def goal_from(metric: str | None, target: float | None, task: str) -> Goal | None:
    """The goal ``init`` was given as a metric and/or a target, the other half taken from the
    task's default goal (classification: macro_f1 >= 0.9; regression: r2 >= 0.5); None when
    neither was given, so the spec's own default applies."""
    if metric is None and target is None:
        return None
    from textloop.tasks import get_task

    default_metric, default_target = get_task(task).default_goal
    return Goal(metric=metric or default_metric,
                target=target if target is not None else default_target)


def record_language(store: Store, project: Project) -> str | None:
    """Detect the texts' language from a sample of stored records and write it to the spec,
    unless the spec already names one (set by ``init --language`` or by hand, it wins).
    Only the ``language:`` line is written: the user's comments and layout stay.

    Returns the tag recorded, or None when nothing was written. Records are read in id
    order, and ids are content hashes, so the sample is a spread of the data, not its start.
    """
    if project.spec.language is not None:
        return None
    with store.read() as conn:
        texts = [r.text for r in itertools.islice(records.iter_all(conn, batch=SAMPLE_TEXTS),
                                                  SAMPLE_TEXTS)]
    tag = detect_language(texts)
    if tag is None:
        return None
    set_spec_key(project.spec_path, "language", tag)
    project.spec.language = tag
    return tag


def _check_look_alikes(labels: Sequence[Label]) -> None:
    """Each label against those before it: one class must not be listed in two spellings."""
    names = [label.name for label in labels]
    for index, name in enumerate(names):
        problem = look_alike_problem(name, names[:index])
        if problem is not None:
            raise InvalidInputError(f"textloop init: {problem}",
                                    hint="give each class one name, clearly unlike the others")


def parse_labels(text: str) -> list[Label]:
    """``--labels`` into labels: entries separated by ``;``, or by ``,`` too when none has a
    description.

    ``PER;ORG;LOC`` and ``PER,ORG,LOC`` are the same three labels; with descriptions
    (``spam=Unwanted ads, scams;ham=Anything else``) only ``;`` separates, so a description
    may hold commas. A label name can hold neither separator, so every spelling reads one
    way; what does not fit the rule is refused instead of becoming one odd label.
    """
    if not text.strip():
        return []
    described = "=" in text
    entries = text.split(";") if described else _ENTRY_SEPARATORS.split(text)
    out = []
    for entry in entries:
        name, _, description = (part.strip() for part in entry.partition("="))
        if not name:
            if description:
                raise InvalidInputError(f"--labels: {entry.strip()!r} has a description but "
                                        "no label name", hint=_LABELS_HINT)
            continue
        if "," in name or _JOINED.search(description):
            joined = f"the name {name!r} holds ','" if "," in name else "it reads as two labels"
            raise InvalidInputError(f"--labels: in {entry.strip()!r}, {joined}: with "
                                    "descriptions, separate labels with ';'", hint=_LABELS_HINT)
        out.append(_label(name, description))
    return out


def _label(name: str, description: str) -> Label:
    """One ``--labels`` entry as a label, or an error naming the option and the entry."""
    try:
        return Label(name=name, description=description)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInputError(f"--labels: {name!r}: {reason}",
                                hint="rename the label (names are shown as they are typed)"
                                ) from None


def parse_target(text: str) -> Target | None:
    """``rating``, ``rating:1:5`` or ``share:0:`` (open upper bound) into a target."""
    if not text.strip():
        return None
    name, *bounds = [part.strip() for part in text.split(":")]
    if len(bounds) not in (0, 2):
        raise InvalidInputError(f"--target {text!r} is not NAME or NAME:MIN:MAX",
                                hint="e.g. --target stars:1:5, or --target share:0: for no maximum")
    try:
        low, high = ((float(b) if b else None) for b in bounds) if bounds else (None, None)
        return Target(name=name or "score", min=low, max=high)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInputError(f"--target {text!r}: {reason}",
                                hint="e.g. --target stars:1:5") from None
    except ValueError:
        raise InvalidInputError(f"--target {text!r}: the bounds must be numbers",
                                hint="e.g. --target stars:1:5") from None
