"""API keys: shown once, stored hashed, verified once, refused when wrong or revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.stages.serving.api_keys import (
    FAILED_SECONDS,
    KeyRing,
    create_key,
    list_keys,
    revoke_key,
)
from textloop.stages.serving.errors import UnauthorizedError
from textloop.storage import schema


def test_a_key_is_stored_only_as_a_hash(store) -> None:
    key = create_key(store, "billing", rate="10/s")
    prefix, key_id, secret = key.split("_", 2)
    assert prefix == "tl" and len(secret) >= 32
    with store.read() as conn:
        row = conn.execute(select(schema.api_keys)).mappings().one()
    assert row["key_id"] == key_id and row["rate"] == "10/s"
    assert secret not in row["secret_hash"] and row["secret_hash"].startswith("scrypt$")
    (listed,) = list_keys(store)
    assert (listed.name, listed.rate, listed.revoked) == ("billing", "10/s", False)


def test_names_rates_and_duplicates_are_checked(store) -> None:
    create_key(store, "a")
    with pytest.raises(ConflictError, match="already exists"):
        create_key(store, "a")
    with pytest.raises(InvalidInputError, match="not allowed"):
        create_key(store, "bad name")
    with pytest.raises(InvalidInputError, match="COUNT/UNIT"):
        create_key(store, "b", rate="fast")
    with pytest.raises(NotFoundError, match="no API key named 'nobody'"):
        revoke_key(store, "nobody")


def test_the_ring_verifies_remembers_and_honours_revocation(store) -> None:
    ring = KeyRing()
    ring.refresh(store)
    assert not ring.required  # no key yet: the server is open
    key = create_key(store, "app")
    assert ring.remembered(key) is None
    ring.refresh(store)
    assert ring.required
    assert ring.verify(key).name == "app"
    assert ring.remembered(key).name == "app"  # no second scrypt
    revoke_key(store, "app")
    assert ring.remembered(key).name == "app"  # until the next refresh
    ring.refresh(store)
    with pytest.raises(UnauthorizedError, match="revoked"):
        ring.remembered(key)
    assert ring.required  # revoking the last key does not open the server


def test_wrong_and_malformed_keys_are_refused_and_remembered(store) -> None:
    key = create_key(store, "app")
    ring = KeyRing()
    ring.refresh(store)
    wrong = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    for bad in (wrong, "tl_nope_secret", "not-a-key", ""):
        with pytest.raises(UnauthorizedError, match="not valid"):
            ring.verify(bad)
    with pytest.raises(UnauthorizedError, match="not valid"):
        ring.remembered(wrong)  # a wrong secret of a known key is not hashed again
    with pytest.raises(UnauthorizedError, match="not valid"):
        ring.remembered("tl_nope_secret")  # nor an unknown id, until the keys change


def test_require_key_closes_a_server_without_keys() -> None:
    assert KeyRing(require_key=True).required


def test_new_keys_classify_only_unless_given_the_feedback_scope(store) -> None:
    create_key(store, "reader")
    create_key(store, "writer", scope="feedback")
    with pytest.raises(InvalidInputError, match="scope 'admin' is not one of"):
        create_key(store, "bad", scope="admin")
    keys = {key.name: key for key in list_keys(store)}
    assert set(keys) == {"reader", "writer"}  # the refused key was not stored
    assert keys["reader"].scopes == ("classify",) and keys["reader"].allows("classify")
    assert not keys["reader"].allows("feedback")
    assert keys["writer"].scopes == ("classify", "feedback") and keys["writer"].allows("feedback")


def test_a_key_without_the_scope_is_refused_with_403(store) -> None:
    from textloop.errors import ForbiddenError
    from textloop.stages.serving.api_keys import require_scope

    create_key(store, "reader")
    (reader,) = list_keys(store)
    with pytest.raises(ForbiddenError, match="key 'reader' may not send feedback") as refused:
        require_scope(reader, "feedback")
    assert "--scope feedback" in refused.value.hint
    require_scope(reader, "classify")
    require_scope(None, "feedback")  # a server without keys: no scopes to check


class HandClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def refused(ring: KeyRing, presented: str) -> str:
    """The refusal's message, from memory when the ring remembers it, else by verifying."""
    with pytest.raises(UnauthorizedError) as error:
        if ring.remembered(presented) is None:
            ring.verify(presented)
    return error.value.message


def test_a_revoked_key_is_refused_without_hashing_its_secret(store) -> None:
    key = create_key(store, "old")
    revoke_key(store, "old")
    ring = KeyRing()
    ring.refresh(store)  # a server started after the revocation: it never verified the key
    for _ in range(3):
        assert "revoked" in refused(ring, key)
    assert "revoked" in refused(ring, key[:-2] + "zz")
    assert ring.hashed == 0


def test_failures_are_remembered_until_they_expire_or_the_keys_change(store) -> None:
    clock = HandClock()
    key = create_key(store, "app")
    ring = KeyRing(clock=clock)
    ring.refresh(store)
    wrong = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    for _ in range(3):
        assert "not valid" in refused(ring, wrong)
    assert ring.hashed == 1  # one scrypt, then remembered
    clock.now += FAILED_SECONDS + 1  # expired: checked again
    assert "not valid" in refused(ring, wrong) and ring.hashed == 2
    late = create_key(store, "late")  # made after the last refresh: unknown for now
    assert "not valid" in refused(ring, late)
    with pytest.raises(UnauthorizedError):
        ring.remembered(late)  # remembered as a failure...
    ring.refresh(store)  # ...until the keys change
    assert ring.remembered(late) is None and ring.verify(late).name == "late"


def test_remembered_failures_are_bounded(store) -> None:
    ring = KeyRing(failed_memory=2)
    ring.refresh(store)
    for i in range(3):
        refused(ring, f"tl_unknown{i}_secret")
    assert len(ring.failed) == 2
    assert ring.remembered("tl_unknown0_secret") is None  # the oldest was forgotten
    with pytest.raises(UnauthorizedError):
        ring.remembered("tl_unknown2_secret")


def test_a_refusal_judged_on_keys_that_changed_meanwhile_is_not_remembered(store) -> None:
    """A check that read the table before a refresh (a key created meanwhile) must not leave
    the new key refused for a minute."""
    from textloop.stages.serving.api_keys import _digest, _wrong_key

    ring = KeyRing()
    ring.refresh(store)
    before = ring.by_id  # what a check running in a worker thread read
    key = create_key(store, "new")
    ring.refresh(store)
    ring._remember_failure(_digest(key), _wrong_key, before)  # that check ends after it
    assert ring.remembered(key) is None and ring.verify(key).name == "new"
