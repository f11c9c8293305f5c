"""The span rule declaration: what it accepts and how it explains what it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from textloop.config import SpanRule

KR_MOBILE = r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)"


def test_the_documented_examples_are_valid() -> None:
    mobile = SpanRule(name="kr-mobile", label="PHONE", regex=KR_MOBILE)
    keyword = SpanRule.model_validate({
        "name": "phone-after-keyword", "label": "PHONE", "group": "number",
        "regex": r"(?:전화|연락처|tel)\s*:?\s*(?P<number>01[016789]-?\d{3,4}-?\d{4})"})
    brands = SpanRule(name="brands", label="BRAND", phrases=["삼성전자", "LG전자", "Apple"])
    assert (mobile.group, keyword.group, brands.case_sensitive) == (0, "number", False)


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "needs exactly one of regex, phrases \\(found none\\)"),
    ({"regex": "a", "phrases": ["b"]}, "found regex, phrases"),
    ({"regex": "(unclosed"}, "invalid regex"),
    ({"regex": "(a)(b)", "group": 3}, "no group 3 \\(it has 0, 1, 2\\)"),
    ({"regex": "(?P<num>1)", "group": "digits"}, "no group 'digits' \\(it has 0, 1, num\\)"),
    ({"phrases": ["  ", ""]}, "only empty phrases"),
    ({"phrases": ["a"], "flags": ["DOTALL"]}, "group and flags apply to regex rules only"),
    ({"regex": "a", "flags": ["LOCALE"]}, "DOTALL"),
    ({"regex": "a", "keywords": ["a"]}, "Extra inputs are not permitted"),
])
def test_bad_rules_are_refused_with_the_reason(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SpanRule.model_validate({"name": "r", "label": "X", **fields})
