"""Personal data patterns: what is found, what only looks like it, and redaction."""

from __future__ import annotations

import pytest

from textloop.stages.clean.pii import find_pii, luhn_valid, redact


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in find_pii(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("mail john.doe+x@example.co.uk now", [("email", "john.doe+x@example.co.uk")]),
    ("pay with 4111 1111 1111 1111 today", [("card", "4111 1111 1111 1111")]),
    ("card 5500-0000-0000-0004.", [("card", "5500-0000-0000-0004")]),
    ("server 192.168.0.1 is down", [("ip", "192.168.0.1")]),
    ("v6 2001:db8::1 here", [("ip", "2001:db8::1")]),
    ("see https://example.com/a?b=1. Thanks", [("url", "https://example.com/a?b=1")]),
    ("or www.test.org!", [("url", "www.test.org")]),
    ("ring +44 20 7946 0958 or (555) 123-4567",
     [("phone", "+44 20 7946 0958"), ("phone", "(555) 123-4567")]),
    ("call 09061701461 now", [("phone", "09061701461")]),
])
def test_true_positives(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "order 1234567812345678 shipped",  # 16 digits failing Luhn: not a card, too long a phone
    "ref 12345678",  # 8 plain digits are a reference, not a phone
    "on 2024-01-15 at 12:30:45",  # a date and a time
    "costs 1.50, version 1.2.3",
    "999.1.1.1 is no address",  # octet out of range
    "email me at home",
    "0000 0000 0000 0000",  # passes Luhn but is one digit repeated
])
def test_false_positives_are_not_reported(text: str) -> None:
    assert find_pii(text) == []


def test_luhn_checksum() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("1234567812345678")
    assert not luhn_valid("4111111111111112")


def test_a_url_containing_an_email_is_one_url() -> None:
    assert kinds("go to https://x.org/?to=a@b.com now") == [("url", "https://x.org/?to=a@b.com")]


def test_redact_replaces_each_match_with_its_placeholder() -> None:
    text = "Mail a@b.com, card 4111111111111111, ip 10.0.0.1, order 1234567812345678"
    assert redact(text) == "Mail [EMAIL], card [CARD], ip [IP], order 1234567812345678"
