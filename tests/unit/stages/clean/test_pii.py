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


# Korean personal data. Resident registration numbers: YYMMDD-GNNNNNN, the 13th digit a
# weighted sum mod 11 of the first twelve; 800101-1234560 and 050315-4123450 are made up.
@pytest.mark.parametrize(("text", "expected"), [
    ("주민번호 800101-1234560 입니다", [("kr_rrn", "800101-1234560")]),
    ("주민번호는8001011234560이에요", [("kr_rrn", "8001011234560")]),
    ("2005년생 050315-4123450", [("kr_rrn", "050315-4123450")]),
    # a foreigner registration number (7th digit 5-8, its own check rule)
    ("외국인 900101-5123452", [("kr_rrn", "900101-5123452")]),
    # issued since October 2020: no check digit; dashed, real date, 7th digit 1-4
    ("신규 210505-3987654 번호", [("kr_rrn", "210505-3987654")]),
    ("연락처 010-1234-5678로 주세요", [("kr_phone", "010-1234-5678")]),
    ("폰 01012345678", [("kr_phone", "01012345678")]),
    ("010 9876 5432 문자주세요", [("kr_phone", "010 9876 5432")]),
    ("call +82 10-1234-5678", [("kr_phone", "+82 10-1234-5678")]),
    ("옛날번호 011-123-4567", [("kr_phone", "011-123-4567")]),
    ("사무실 02-123-4567, 부산 051-1234-5678",
     [("kr_phone", "02-123-4567"), ("kr_phone", "051-1234-5678")]),
    ("사업자등록번호 220-81-62517", [("kr_brn", "220-81-62517")]),
])
def test_korean_true_positives(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(("text", "not_kind"), [
    ("주민번호 8001011234567 아님", "kr_rrn"),  # undashed, check digit wrong
    ("900101-5123455 아님", "kr_rrn"),  # a foreigner number needs its check digit
    ("991301-1234567", "kr_rrn"),  # month 13
    ("990230-1234567", "kr_rrn"),  # 30 February
    ("220-81-62518", "kr_brn"),  # business number with a wrong check digit
])
def test_korean_numbers_failing_their_checks_are_not_typed(text: str, not_kind: str) -> None:
    assert not_kind not in {m.kind for m in find_pii(text)}


@pytest.mark.parametrize("text", [
    "가격은 15,000원, 배송비 3,000원",
    "2024.01.15 주문, 2024-01-15 배송",
    "1,234,567,890원 적립",
])
def test_korean_prices_and_dates_are_not_reported(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize("text", [
    "주문번호 20240115-0001 확인",
    "주문 2024011512345",  # 13 digits: not a date-led registration number
    "0101 1234",  # too short for a mobile number
    "010-123-4567",  # 010 numbers have four middle digits
    "03-15-2024 meeting",  # 03 is no area code
    "123-45-67890",  # business-number shape, wrong check digit
])
def test_numbers_that_only_look_korean_get_no_korean_kind(text: str) -> None:
    assert not [m for m in find_pii(text) if m.kind.startswith("kr_")]


def test_english_phone_numbers_keep_their_kind() -> None:
    assert kinds("ring +44 20 7946 0958 or (555) 123-4567 or 415-555-0132") == [
        ("phone", "+44 20 7946 0958"), ("phone", "(555) 123-4567"), ("phone", "415-555-0132")]


def test_korean_kinds_are_redacted_and_can_be_expected() -> None:
    text = "010-1234-5678 / 800101-1234560 / 220-81-62517"
    assert redact(text) == "[KR_PHONE] / [KR_RRN] / [KR_BRN]"
    assert [m.kind for m in find_pii(text, expected=["kr_phone"])] == ["kr_rrn", "kr_brn"]
