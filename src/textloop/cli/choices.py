"""Option help that lists registered names, read from the registry rather than written out.

A strategy, calibrator or model added to the registry then appears in ``--help`` without
anyone editing a help string. Listing reads the registry's declarations only, so building
the help imports no strategy or model code.
"""

from __future__ import annotations

from textloop.registry import REGISTRY


def one_of(family: str) -> str:
    """``"a, b or c"``: the registered short names of ``family``."""
    names = REGISTRY.names(family)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
