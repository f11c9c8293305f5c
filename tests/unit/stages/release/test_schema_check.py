"""The JSON Schema subset that checks dataset.yaml: each keyword, and refusal of others."""

from __future__ import annotations

import pytest

from textloop.stages.release.schema_check import check_schema, validate

SCHEMA = {
    "type": "object",
    "required": ["name", "rows"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "version": {"type": ["string", "null"], "pattern": "^v[0-9]+$"},
        "rows": {"type": "integer", "minimum": 0},
        "share": {"type": "number", "minimum": 0, "maximum": 1},
        "kind": {"enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}


def test_a_valid_instance_has_no_errors() -> None:
    good = {"name": "x", "version": None, "rows": 3, "share": 0.5, "kind": "a",
            "tags": ["t"], "counts": {"a": 1}}
    assert validate(good, SCHEMA) == []
    assert validate({**good, "version": "v12"}, SCHEMA) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"rows": "many"}, "rows: found string 'many', expected integer"),
    ({"rows": True}, "rows: found boolean True, expected integer"),
    ({"rows": -1}, "rows: -1 is below the minimum 0"),
    ({"share": 1.5}, "share: 1.5 is above the maximum 1"),
    ({"name": ""}, "name: is empty, expected a non-empty string"),
    ({"version": "1"}, "version: '1' does not match ^v[0-9]+$"),
    ({"kind": "c"}, "kind: found 'c', expected one of 'a', 'b'"),
    ({"tags": ["ok", 3]}, "tags[1]: found integer 3, expected string"),
    ({"counts": {"a": 1.5}}, "counts.a: found number 1.5, expected integer"),
    ({"extra": 1}, "extra: unexpected field"),
])
def test_each_keyword_names_the_field_it_fails(change, expected) -> None:
    errors = validate({"name": "x", "rows": 1, **change}, SCHEMA)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_missing_required_fields_are_each_named() -> None:
    assert validate({}, SCHEMA) == ["(root): field 'name' is missing",
                                    "(root): field 'rows' is missing"]
    assert validate([], SCHEMA) == ["(root): found array [], expected object"]


def test_a_keyword_the_validator_does_not_implement_is_refused() -> None:
    check_schema(SCHEMA)
    with pytest.raises(ValueError, match="schema at tags uses unsupported keywords: minItems"):
        check_schema({"properties": {"tags": {"type": "array", "minItems": 1}}})
