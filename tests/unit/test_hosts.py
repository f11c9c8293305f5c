"""The Host rule shared by the labeling app and the inference server."""

from __future__ import annotations

import pytest

from textloop.hosts import LOOPBACK_NAMES, allowed_hosts, host_allowed, hostname


@pytest.mark.parametrize(("host", "name"), [("127.0.0.1:8000", "127.0.0.1"),
                                            ("[::1]:8000", "::1"), ("::1", "::1"),
                                            ("localhost", "localhost")])
def test_hostname_strips_the_port(host: str, name: str) -> None:
    assert hostname(host) == name


def test_loopback_binds_answer_loopback_names_and_others_any_name_unless_listed() -> None:
    assert allowed_hosts("127.0.0.1") == allowed_hosts("::1") == LOOPBACK_NAMES
    assert allowed_hosts("0.0.0.0") == ("*",)
    assert allowed_hosts("0.0.0.0", ["API.example.org"]) == ("api.example.org",)
    assert allowed_hosts("127.0.0.1", ["api.example.org"]) == ("api.example.org",)


@pytest.mark.parametrize(("host", "allowed", "ok"), [
    ("localhost:9000", LOOPBACK_NAMES, True), ("LOCALHOST", LOOPBACK_NAMES, True),
    ("[::1]:8000", LOOPBACK_NAMES, True), ("127.0.0.1.evil.example", LOOPBACK_NAMES, False),
    ("", LOOPBACK_NAMES, False), ("evil.example", ("*",), True),
    ("api.example.org:443", ("api.example.org",), True),
    ("evil.example", ("api.example.org",), False)])
def test_a_host_header_is_allowed_only_when_it_names_an_allowed_host(
        host: str, allowed: tuple[str, ...], ok: bool) -> None:
    assert host_allowed(host, allowed) is ok
