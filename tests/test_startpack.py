"""pyipmi_tools.startpack: the bin/ shims' one-file module cache is used only while it is current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Install the pack finder for the copy at argv[1], import some modules, report who loaded
# each, then save the pack as the shims do.
_PROBE = r"""
import sys
root = sys.argv[1]
sys.path.insert(0, root)
from pyipmi_tools import startpack
startpack.install(root, 'probe')
import pyipmi_tools.cli.hostlist, pyipmi_tools.record
for name in ("pyipmi_tools.cli.hostlist", "pyipmi_tools.record", "pyipmi_tools.cli"):
    print(name, type(sys.modules[name].__spec__.loader).__name__)
print(pyipmi_tools.cli.hostlist.expand("node[1-2]"))
startpack.save()
"""


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "pyipmi_tools", copy / "pyipmi_tools", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def probe(tree: Path, cache: Path, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    environ.update(PYTHONPYCACHEPREFIX=str(cache), **env)
    done = subprocess.run([sys.executable, "-S", "-c", _PROBE, str(tree)], capture_output=True, text=True,
                          env=environ, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def pack_file(tree: Path, cache: Path) -> Path:
    return Path(str(cache) + str(tree)) / "pyipmi_tools" / "__pycache__" / \
        f"startpack.probe.{sys.implementation.cache_tag}.pack"


def test_second_run_is_served_from_the_pack(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = probe(tree, cache)
    assert "pyipmi_tools.record SourceFileLoader" in first
    assert pack_file(tree, cache).is_file()
    second = probe(tree, cache)
    assert second[:3] == ["pyipmi_tools.cli.hostlist _PackFinder", "pyipmi_tools.record _PackFinder",
                          "pyipmi_tools.cli _PackFinder"]
    assert second[3] == first[3] == "['node1', 'node2']"


def test_a_changed_source_is_imported_normally_and_the_pack_rewritten(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(tree, cache)
    before = pack_file(tree, cache).read_bytes()
    record = tree / "pyipmi_tools" / "record.py"
    record.write_text(record.read_text() + "\n# edited\n")
    out = probe(tree, cache)
    assert "pyipmi_tools.record SourceFileLoader" in out and "pyipmi_tools.cli.hostlist _PackFinder" in out
    assert pack_file(tree, cache).read_bytes() != before
    assert "pyipmi_tools.record _PackFinder" in probe(tree, cache)


def test_no_pack_is_written_when_bytecode_writing_is_off(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(tree, cache, PYTHONDONTWRITEBYTECODE="1")
    assert not pack_file(tree, cache).exists()


@pytest.mark.parametrize("keep", [100, -10])
def test_a_damaged_pack_is_ignored_and_replaced(tree: Path, tmp_path: Path, keep: int) -> None:
    cache = tmp_path / "cache"
    probe(tree, cache)
    pack = pack_file(tree, cache)
    pack.write_bytes(pack.read_bytes()[:keep])          # cut in the index, or in the code
    out = probe(tree, cache)
    assert "pyipmi_tools.record SourceFileLoader" in out and out[3] == "['node1', 'node2']"
    assert "pyipmi_tools.record _PackFinder" in probe(tree, cache)
