"""Each error class maps to its own exit code and HTTP status, and renders one JSON shape."""

from __future__ import annotations

from textloop import errors


def test_exit_codes_and_statuses_are_distinct_per_class() -> None:
    classes = [errors.InvalidInputError, errors.NotFoundError, errors.ConflictError,
               errors.NotFittedError, errors.ConfigError, errors.StorageError,
               errors.ExternalServiceError]
    assert len({c.exit_code for c in classes}) == len(classes)
    assert errors.NotFoundError.http_status == 404
    assert errors.InvalidInputError.http_status == 422


def test_json_shape_and_str() -> None:
    err = errors.InvalidInputError("line 3: empty text", hint="fix it", line=3)
    assert err.to_dict() == {"error": {"code": "invalid_input", "message": "line 3: empty text",
                                       "hint": "fix it", "details": {"line": 3}}}
    assert str(err) == "line 3: empty text\nHint: fix it"


def test_missing_extra_names_the_install_command() -> None:
    err = errors.MissingExtraError("psycopg", "postgres", "A PostgreSQL store")
    assert err.hint == 'pip install "textloop[postgres]"'
    assert "psycopg" in err.message
