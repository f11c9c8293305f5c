"""A small JSON Schema validator for the subset ``dataset_schema.json`` uses.

``jsonschema`` is not a dependency of textloop, and ``dataset.yaml`` needs only a few
keywords: ``type`` (one or a list), ``enum``, ``required``, ``properties``,
``additionalProperties`` (false or a schema), ``items``, ``minLength``, ``pattern``,
``minimum`` and ``maximum``. Every other keyword is refused when the schema is read, so the
schema can never silently claim more than this checks. Errors name the field by its path
(``splits.train.rows``), so a hand-edited file says where it went wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SUPPORTED = frozenset({"$schema", "$id", "title", "description", "type", "enum", "required",
                       "properties", "additionalProperties", "items", "minLength", "pattern",
                       "minimum", "maximum"})
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),)}


def check_schema(schema: Mapping[str, Any], where: str = "") -> None:
    """Refuse keywords this validator does not implement (a bug in the schema, not the data)."""
    unknown = sorted(set(schema) - SUPPORTED)
    if unknown:
        raise ValueError(f"schema at {where or '(root)'} uses unsupported keywords: "
                         f"{', '.join(unknown)}")
    for name, sub in schema.get("properties", {}).items():
        check_schema(sub, _join(where, name))
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), Mapping):
            check_schema(schema[key], _join(where, "*"))


def validate(instance: Any, schema: Mapping[str, Any], where: str = "") -> list[str]:
    """Every way ``instance`` breaks ``schema``, each as ``path: what was found, expected``."""
    place = where or "(root)"
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_is(instance, name) for name in names):
            return [f"{place}: found {_kind(instance)} {_short(instance)}, expected "
                    f"{' or '.join(names)}"]
    if "enum" in schema and instance not in schema["enum"]:
        return [f"{place}: found {_short(instance)}, expected one of "
                f"{', '.join(map(repr, schema['enum']))}"]
    errors: list[str] = []
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            errors.append(f"{place}: is empty, expected a non-empty string")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{place}: {instance!r} does not match {schema['pattern']}")
    if _is(instance, "number"):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{place}: {instance} is below the minimum {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{place}: {instance} is above the maximum {schema['maximum']}")
    if isinstance(instance, dict):
        errors += _object(instance, schema, where)
    if isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], f"{where}[{i}]")
    return errors


def _object(instance: dict[Any, Any], schema: Mapping[str, Any], where: str) -> list[str]:
    errors = [f"{where or '(root)'}: field {name!r} is missing"
              for name in schema.get("required", ()) if name not in instance]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, value in instance.items():
        path = _join(where, str(key))
        if key in properties:
            errors += validate(value, properties[key], path)
        elif extra is False:
            errors.append(f"{path}: unexpected field (expected one of "
                          f"{', '.join(properties)})")
        elif isinstance(extra, Mapping):
            errors += validate(value, extra, path)
    return errors


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False  # JSON Schema: true is not 1
    return isinstance(value, _TYPES[name])


def _kind(value: Any) -> str:
    return next((name for name in ("null", "boolean", "integer", "number", "string", "array",
                                   "object") if _is(value, name)), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
