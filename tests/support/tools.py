"""Skip (locally) or fail (in CI) tests whose external requirements are missing."""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest

# FreeIPMI installs its tools in /usr/sbin, which is not on every user's PATH.
_EXTRA_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def in_ci() -> bool:
    """True when running under CI (``CI=true``): missing tools are errors."""
    return os.environ.get("CI") == "true"


def skip_or_fail(message: str) -> None:
    """Skip the test because of *message*, or fail it under CI."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: required)", pytrace=False)
    pytest.skip(message)


def find_tool(name: str) -> str | None:
    """Return the path of executable *name* (PATH, then the sbin dirs), or None."""
    found = shutil.which(name)
    if found is None:
        extra = os.pathsep.join(_EXTRA_DIRS)
        found = shutil.which(name, path=extra)
    return found


def require_tool(name: str) -> str:
    """Return the path of executable *name*; skip the test (fail under CI) if absent."""
    found = find_tool(name)
    if found is None:
        skip_or_fail(f"required tool {name!r} not found")
    return found  # type: ignore[return-value]


def require_module(name: str) -> ModuleType:
    """Import and return module *name*; skip the test (fail under CI) if absent."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        skip_or_fail(f"required Python module {name!r} not importable: {exc}")
        raise  # not reached: skip/fail raise
