"""The ASGI pieces shared by the labeling app and the inference server."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError

from textloop.asgi import field_name, invalid_request


def test_fields_are_named_as_a_client_writes_them() -> None:
    assert field_name(("texts", 3)) == "texts[3]"
    assert field_name(("labels", 0, "name")) == "labels[0].name"
    assert field_name(()) == ""


def test_a_validation_error_names_each_field_without_pydantic_prefixes() -> None:
    exc = RequestValidationError([
        {"loc": ("body", "texts", 3), "msg": "Value error, contains a NUL character",
         "type": "value_error"},
        {"loc": ("body",), "msg": "Field required", "type": "missing"}])
    error = invalid_request(exc, hint="see /openapi.json")
    assert error.message == ("invalid request (texts[3]: contains a NUL character; "
                             "body: Field required)")
    assert error.http_status == 422 and error.hint == "see /openapi.json"
