"""What every section of ``textloop.yaml`` shares: unknown keys are errors, and where the
spec and the store live in a project folder."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

SPEC_FILE = "textloop.yaml"
STORE_DIR = ".textloop"
DEFAULT_STORE_URL = f"sqlite:///{STORE_DIR}/textloop.db"


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a hand-edited file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
