"""The MAAS snap runs Python 3.10: nothing in the package may need a newer one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.tools import require_tool

ROOT = Path(__file__).resolve().parent.parent


def test_package_needs_nothing_newer_than_python_3_10() -> None:
    vermin = require_tool("vermin")
    result = subprocess.run([vermin, "--target=3.10-", "--violations", "--no-tips", "--eval-annotations",
                             str(ROOT / "pyipmi_tools")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_package_is_cheap() -> None:
    """The CLI start-up budget: importing the package pulls in neither the engine nor cryptography."""
    code = "import sys, pyipmi_tools; print(sorted(m for m in sys.modules if m.startswith(('pyipmi_tools', 'cryptography'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.stdout.strip() == "['pyipmi_tools']"
