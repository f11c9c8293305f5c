"""Annotator accounts: tokens shown once, stored hashed, checked in constant time."""

from __future__ import annotations

import hashlib

import pytest

from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.stages.label import annotators
from textloop.storage import annotators as table


def test_add_authenticate_and_hash_at_rest(store) -> None:
    token = annotators.add_annotator(store, "alice", role="adjudicator")
    found = annotators.authenticate(store, "alice", token)
    assert found is not None and found.can_adjudicate
    with store.read() as conn:
        stored = table.get(conn, "alice")["secret_hash"]
    assert token not in stored and stored.startswith("scrypt$")
    assert annotators.authenticate(store, "alice", token + "x") is None
    assert annotators.authenticate(store, "mallory", token) is None


def test_revoke_and_reset(store) -> None:
    old = annotators.add_annotator(store, "bob")
    annotators.revoke(store, "bob")
    assert annotators.authenticate(store, "bob", old) is None
    new = annotators.reset_token(store, "bob")
    assert annotators.authenticate(store, "bob", new) is not None
    assert annotators.authenticate(store, "bob", old) is None
    assert [(a.name, a.role, a.active) for a in annotators.list_annotators(store)] == [
        ("bob", "annotator", True)]


def test_bad_names_roles_and_duplicates(store) -> None:
    with pytest.raises(InvalidInputError):
        annotators.add_annotator(store, "<script>")
    with pytest.raises(InvalidInputError, match="unknown role"):
        annotators.add_annotator(store, "eve", role="root")
    annotators.add_annotator(store, "eve")
    with pytest.raises(ConflictError):
        annotators.add_annotator(store, "eve")
    with pytest.raises(NotFoundError):
        annotators.revoke(store, "nobody")


def test_verify_rejects_malformed_hashes() -> None:
    assert not annotators.verify_secret("x", "plain-text")
    assert not annotators.verify_secret("x", "md5$YQ==$YQ==")


def test_sign_in_does_the_same_work_whether_or_not_the_account_exists(
        store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing must not tell an unknown or revoked name from a wrong token: every sign-in runs
    exactly one scrypt verification with the same parameters."""
    token = annotators.add_annotator(store, "alice")
    annotators.add_annotator(store, "bob")
    annotators.revoke(store, "bob")
    calls: list[tuple[object, ...]] = []
    real = hashlib.scrypt

    def recording(password: bytes, **kwargs: object) -> bytes:
        calls.append((len(kwargs["salt"]),  # type: ignore[arg-type]
                      *(kwargs[k] for k in ("n", "r", "p", "dklen"))))
        return real(password, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(annotators.hashlib, "scrypt", recording)
    work = {}
    for case, name, secret in (("right token", "alice", token), ("wrong token", "alice", "x"),
                               ("unknown name", "mallory", token), ("revoked", "bob", "x")):
        calls.clear()
        found = annotators.authenticate(store, name, secret)
        assert (found is not None) == (case == "right token")
        work[case] = list(calls)
    assert len(work["right token"]) == 1
    assert all(done == work["right token"] for done in work.values()), work
