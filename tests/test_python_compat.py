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


def test_bundle_output_needs_nothing_newer_than_python_3_10(tmp_path: Path) -> None:
    """The single-file tools' own code (their __main__) and everything bundled with it run on 3.10."""
    import zipfile

    from tests.support.bundled import TOOLS, build
    vermin = require_tool("vermin")
    bundle = build(tmp_path / "bundle")
    for tool in TOOLS:                                  # the same modules in each, a __main__ of its own
        with zipfile.ZipFile(bundle / tool) as archive:
            sources = [n for n in archive.namelist() if n.endswith(".py")]
            assert "__main__.py" in sources and "configobj/__init__.py" in sources
            archive.extractall(tmp_path / "src" / tool, members=sources if tool == TOOLS[0] else ["__main__.py"])
    result = subprocess.run([vermin, "--target=3.10-", "--violations", "--no-tips", "--eval-annotations",
                             str(tmp_path / "src")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
