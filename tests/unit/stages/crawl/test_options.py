from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.crawl.addresses import AddressPolicy, HostAllowance
from textloop.stages.crawl.options import CrawlOptions


def test_allowances_become_the_address_policy() -> None:
    options = CrawlOptions(allow_hosts=["127.0.0.1:8712", "wiki.test"], allow_loopback=True)

    assert options.allow_hosts == ("127.0.0.1:8712", "wiki.test")
    assert options.policy() == AddressPolicy(
        loopback=True, hosts=(HostAllowance("127.0.0.1", 8712), HostAllowance("wiki.test", None)))
    assert options.to_dict()["allow_hosts"] == ["127.0.0.1:8712", "wiki.test"]


def test_default_policy_opens_nothing() -> None:
    assert CrawlOptions().policy() == AddressPolicy()


def test_bad_allowance_is_refused_when_the_options_are_made() -> None:
    with pytest.raises(InvalidInputError) as caught:
        CrawlOptions(allow_hosts=("127.0.0.1:8712", "169.254.169.254"))

    assert "--allow-host '169.254.169.254'" in caught.value.message
    assert "never crawled" in caught.value.message
