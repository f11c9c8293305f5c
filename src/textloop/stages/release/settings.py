"""Which group column, seed and split fractions a release uses, and where each came from.

Release settings are sticky. A later release that silently fell back to ``textloop.yaml``
would drop a group column given once on the command line, and rows of a held-out author
would land in train. So each setting is, in order:

1. the command's option (``--group-col``, ``--seed``); ``--group-col none`` drops the column;
2. ``textloop.yaml`` when that value was edited since the parent release (the parent records
   what the file said when it was made), because editing the file is telling textloop;
3. the parent release's value ("inherited from v1");
4. ``textloop.yaml`` for the first release.

The value and its source travel into the catalog, the manifest and the dataset card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textloop.config import ReleaseSettings
from textloop.errors import InvalidInputError
from textloop.stages.release.split import SPLITS

NO_GROUP = "none"
"""``--group-col none``: release without a group column even when the parent had one."""
STICKY = ("group_field", "seed", "fractions")
_OPTIONS = {"group_field": "--group-col", "seed": "--seed"}
SPEC = "textloop.yaml"


@dataclass(frozen=True)
class Settings:
    """The settings of one release, with a source per sticky setting."""

    seed: int
    fractions: dict[str, float]
    group_field: str | None
    message: str
    sources: dict[str, str]
    spec: dict[str, Any]
    """What ``textloop.yaml`` said, so the next release can tell an edit from a default."""

    def described(self) -> dict[str, tuple[Any, str]]:
        """setting -> (value, source), as ``ReleaseInfo.settings`` reports them."""
        return {name: (getattr(self, name), self.sources[name]) for name in STICKY}

    def to_config(self) -> dict[str, Any]:
        """The catalog's record: the values, their sources and the spec they were read with."""
        return {"seed": self.seed, "fractions": self.fractions, "group_field": self.group_field,
                "message": self.message, "settings_sources": self.sources, "spec": self.spec}


def resolve_settings(defaults: ReleaseSettings, parent: dict[str, Any] | None, *,
                     group_field: str | None, seed: int | None, message: str) -> Settings:
    """The settings of the next release; ``parent`` is the catalog entry of the newest one."""
    spec = {"group_field": defaults.group_field, "seed": defaults.seed,
            "fractions": {s: float(getattr(defaults, s)) for s in SPLITS}}
    options: dict[str, Any] = {}
    if group_field is not None:
        options["group_field"] = _group_option(group_field)
    if seed is not None:
        options["seed"] = seed
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    before = parent["config"] if parent is not None else {}
    for name in STICKY:
        if name in options:
            values[name] = options[name]
            sources[name] = (f"{_OPTIONS[name]} {NO_GROUP}" if options[name] is None
                             else _OPTIONS[name])
        elif parent is None or name not in before:
            values[name], sources[name] = spec[name], SPEC
        elif "spec" in before and before["spec"].get(name) != spec[name]:
            values[name], sources[name] = spec[name], f"{SPEC} (changed since {parent['id']})"
        else:
            values[name], sources[name] = before[name], f"inherited from {parent['id']}"
    return Settings(seed=int(values["seed"]), fractions=dict(values["fractions"]),
                    group_field=values["group_field"], message=message, sources=sources,
                    spec=spec)


def dropped_group_warning(settings: Settings, parent: dict[str, Any] | None) -> list[str]:
    """A warning when the parent's group column is no longer used."""
    old = None if parent is None else parent["config"].get("group_field")
    if old is None or settings.group_field == old:
        return []
    now = (f"{settings.group_field!r} is used instead" if settings.group_field
           else "records are grouped by text only")
    return [f"the group column {old!r} of {parent['id']} is dropped "  # type: ignore[index]
            f"({settings.sources['group_field']}): {now}; rows already released keep their "
            "split, new rows sharing an old value may land in another split"]


def _group_option(value: str) -> str | None:
    if not value.strip():
        raise InvalidInputError(
            "--group-col is empty (expected a metadata column name)",
            hint=f"name a metadata column, or pass --group-col {NO_GROUP} to release without "
                 "a group column")
    return None if value.strip().lower() == NO_GROUP else value.strip()


def describe(settings: dict[str, tuple[Any, str]]) -> list[str]:
    """``group column: author (inherited from v1)`` and the like, for the card and the CLI."""
    group, group_source = settings["group_field"]
    seed, seed_source = settings["seed"]
    fractions, fraction_source = settings["fractions"]
    shares = ", ".join(f"{s} {fractions[s]:g}" for s in SPLITS)
    return [f"group column: {group or NO_GROUP} ({group_source})",
            f"seed: {seed} ({seed_source})",
            f"fractions: {shares} ({fraction_source})"]
