"""Personal data in text: emails, phone numbers, payment cards, IP addresses and URLs, and
Korean resident registration (``kr_rrn``), phone (``kr_phone``) and business registration
(``kr_brn``) numbers.

Patterns find candidates; checks then drop what only looks like personal data: a card
number must pass the Luhn checksum (a 16-digit order number that fails it is not a card),
a phone number has 7 to 15 digits (E.164) and is not a date, an IPv6 address must parse.
A resident registration number must start with a real birth date and carry its check digit,
a business number its own check digit, a Korean phone number a real prefix (mobile 010-019,
area codes 02 and 031-064, 070). Overlapping matches keep the most specific kind (a URL
containing an email is one URL; ``010-1234-5678`` is ``kr_phone``, not ``phone``).
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from textloop.config import PII_KINDS as KINDS

# KINDS is the priority order when matches overlap, and the order reports list them in.
PLACEHOLDERS = {kind: f"[{kind.upper()}]" for kind in KINDS}

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_PHONE = re.compile(r"(?<![\w+(])(?:\+|00)?\(?\d[\d ().-]{5,}\d(?!\d)")
# Korean numbers: never inside a longer run of digits; Hangul may touch them on either side
# ("번호010-1234-5678로"), so the guards look at digits and signs only, not at \w.
_KR_RRN = re.compile(r"(?<![\d-])(\d{6})(-?)([1-8]\d{6})(?![\d-])")
_KR_MOBILE = r"1(?:0[ .-]?\d{4}|[16789][ .-]?\d{3,4})"
_KR_LANDLINE = r"(?:2|[3][1-3]|[4][1-4]|[5][1-5]|[6][1-4]|70)[ .)-]?\d{3,4}"
_KR_PHONE = re.compile(rf"(?<![\d+-])(?:\+82[ -]?|0)(?:{_KR_MOBILE}|{_KR_LANDLINE})[ .-]?\d{{4}}"
                       r"(?![\d-])")
_KR_BRN = re.compile(r"(?<![\d-])[1-9]\d{2}-\d{2}-\d{5}(?![\d-])")
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# the 7th digit of a registration number gives the century of birth (and sex, and whether
# the holder is a citizen, 1-4, or a foreigner, 5-8)
_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000,
            "5": 1900, "6": 1900, "7": 2000, "8": 2000}
_DATE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: str
    start: int
    end: int
    text: str


def luhn_valid(digits: str) -> bool:
    """The payment card checksum: double every second digit from the right, sum mod 10."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def rrn_check_digit(first12: str) -> int:
    """The check digit of a resident (or, ``+2`` mod 10, a foreigner) registration number:
    digits weighted 2-9, 2-5, summed, ``(11 - sum mod 11) mod 10``."""
    total = sum(int(d) * w for d, w in zip(first12, _RRN_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def brn_check_digit(first9: str) -> int:
    """The check digit of a business registration number (국세청 rule): digits weighted
    1,3,7,1,3,7,1,3,5, plus the tens of the 9th digit times 5, ``(10 - sum mod 10) mod 10``."""
    total = sum(int(d) * w for d, w in zip(first9, _BRN_WEIGHTS, strict=True))
    total += int(first9[8]) * 5 // 10
    return (10 - total % 10) % 10


def find_pii(text: str, expected: Iterable[str] = ()) -> list[PiiMatch]:
    """Non-overlapping personal-data matches in ``text``, in reading order.

    Kinds in ``expected`` (``clean.pii.expected``) are the task's signal: they are matched,
    so what they cover stays covered (an email inside an expected URL is part of the URL),
    and then left out.
    """
    candidates = sorted(_candidates(text),
                        key=lambda m: (KINDS.index(m.kind), m.start, -(m.end - m.start)))
    taken: list[PiiMatch] = []
    for match in candidates:
        if all(match.end <= t.start or match.start >= t.end for t in taken):
            taken.append(match)
    skipped = set(expected)
    return sorted((m for m in taken if m.kind not in skipped), key=lambda m: m.start)


def redact(text: str, matches: Iterable[PiiMatch] | None = None) -> str:
    """``text`` with each match replaced by its placeholder, e.g. ``[EMAIL]``."""
    found = find_pii(text) if matches is None else sorted(matches, key=lambda m: m.start)
    parts, cursor = [], 0
    for match in found:
        parts += [text[cursor:match.start], PLACEHOLDERS[match.kind]]
        cursor = match.end
    parts.append(text[cursor:])
    return "".join(parts)


def count_kinds(matches: Iterable[PiiMatch]) -> dict[str, int]:
    counts = Counter(m.kind for m in matches)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


def _candidates(text: str) -> Iterable[PiiMatch]:
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING:
            end -= 1
        yield PiiMatch("url", m.start(), end, text[m.start():end])
    for m in _EMAIL.finditer(text):
        yield PiiMatch("email", m.start(), m.end(), m.group())
    for m in _CARD.finditer(text):
        if _is_card(m.group()):
            yield PiiMatch("card", m.start(), m.end(), m.group())
    for m in _IPV4.finditer(text):
        yield PiiMatch("ip", m.start(), m.end(), m.group())
    for m in _IPV6.finditer(text):
        if _is_ipv6(m.group()):
            yield PiiMatch("ip", m.start(), m.end(), m.group())
    for m in _KR_RRN.finditer(text):
        if _is_rrn(m.group(1), m.group(2), m.group(3)):
            yield PiiMatch("kr_rrn", m.start(), m.end(), m.group())
    for m in _KR_BRN.finditer(text):
        digits = m.group().replace("-", "")
        if brn_check_digit(digits[:9]) == int(digits[9]):
            yield PiiMatch("kr_brn", m.start(), m.end(), m.group())
    for m in _KR_PHONE.finditer(text):
        yield PiiMatch("kr_phone", m.start(), m.end(), m.group())
    for m in _PHONE.finditer(text):
        if _is_phone(m.group()):
            yield PiiMatch("phone", m.start(), m.end(), m.group())


def _is_card(candidate: str) -> bool:
    digits = re.sub(r"[ -]", "", candidate)
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits)


def _is_ipv6(candidate: str) -> bool:
    if sum(c.isalnum() for c in candidate) < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _is_phone(candidate: str) -> bool:
    """7-15 digits; without a ``+``/``00`` prefix or separators, at least 10 (so a plain
    8-digit reference is not a phone), and never a date."""
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or _DATE.match(candidate):
        return False
    if candidate.count("(") != candidate.count(")"):
        return False
    if candidate.startswith(("+", "00", "(")):
        return True
    separated = any(c in candidate for c in " ().-")
    return separated or len(digits) >= 10


def _is_rrn(birth: str, dash: str, rest: str) -> bool:
    """A real birth date, then the check digit; numbers issued since October 2020 end in
    random digits with no check digit, so a citizen's number (7th digit 1-4) written in its
    registration form ``YYMMDD-G......`` counts without one. An undashed 13-digit run needs
    the check digit: otherwise it is as likely an order or account number."""
    year, month, day = int(birth[:2]), int(birth[2:4]), int(birth[4:])
    try:
        datetime.date(_CENTURY[rest[0]] + year, month, day)
    except ValueError:
        return False
    check = rrn_check_digit(birth + rest[:6])
    if rest[0] in "5678":  # foreigner registration numbers: their own check rule
        return (check + 2) % 10 == int(rest[6])
    return check == int(rest[6]) or dash == "-"
