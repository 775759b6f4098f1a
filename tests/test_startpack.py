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
print("preloaded", "pyipmi_tools.cli.hostlist" in sys.modules)
import pyipmi_tools.cli.hostlist, pyipmi_tools.record
for name in ("pyipmi_tools.cli.hostlist", "pyipmi_tools.record", "pyipmi_tools.cli"):
    print(name, type(sys.modules[name].__spec__.loader).__name__)
print(pyipmi_tools.cli.hostlist.expand("node[1-2]"))
print("edited", getattr(pyipmi_tools.record, "EDITED", False))
startpack.save()
"""


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "pyipmi_tools", copy / "pyipmi_tools", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def run_probe(tree: Path, cache: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    environ.update(PYTHONPYCACHEPREFIX=str(cache), **env)
    return subprocess.run([sys.executable, "-S", "-c", _PROBE, str(tree)], capture_output=True, text=True,
                          env=environ, timeout=60)


def probe(tree: Path, cache: Path, **env: str) -> list[str]:
    """The probe's report after its first line (which says whether install() preloaded)."""
    done = run_probe(tree, cache, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[1:]


def preloaded(tree: Path, cache: Path) -> bool:
    """Whether the modules were already loaded when install() returned."""
    return run_probe(tree, cache).stdout.splitlines()[0] == "preloaded True"


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


def test_current_modules_are_loaded_at_install_in_the_recorded_order(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert not preloaded(tree, cache)            # no pack yet: everything comes in as imported
    pack = pack_file(tree, cache)
    written = pack.stat().st_mtime_ns
    assert preloaded(tree, cache)
    assert preloaded(tree, cache)
    assert pack.stat().st_mtime_ns == written    # a current pack in the right order is left alone


def test_an_edited_module_is_loaded_from_its_source_and_the_pack_heals(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(tree, cache)
    record = tree / "pyipmi_tools" / "record.py"
    record.write_text(record.read_text() + "\nEDITED = True\n")
    out = probe(tree, cache)                     # hostlist imports record: still loads, from the source
    assert "edited True" in out and "pyipmi_tools.record SourceFileLoader" in out
    assert out[3] == "['node1', 'node2']"
    again = probe(tree, cache)
    assert "edited True" in again and "pyipmi_tools.record _PackFinder" in again
    assert preloaded(tree, cache)


def test_a_module_that_now_fails_raises_at_its_import_as_without_a_pack(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    probe(tree, cache)
    probe(tree, cache)
    hostlist = tree / "pyipmi_tools" / "cli" / "hostlist.py"
    hostlist.write_text(hostlist.read_text().replace(
        "from __future__ import annotations", "from __future__ import annotations\nimport pyipmi_tools._missing", 1))
    done = run_probe(tree, cache)
    assert done.stdout.splitlines() == ["preloaded False"]        # install() itself did not fail
    assert done.returncode == 1
    assert done.stderr.rstrip().endswith("ModuleNotFoundError: No module named 'pyipmi_tools._missing'")
    assert 'File "<string>", line 8, in <module>' in done.stderr  # raised at the probe's import line


# Build enough records of one class for record.py to compile its __init__, and report
# whether that compile ran in this process.
_INIT_PROBE = r"""
import builtins, sys
root = sys.argv[1]
sys.path.insert(0, root)
from pyipmi_tools import startpack
startpack.install(root, 'probe')
from pyipmi_tools.cli.hosts import HostSpec
compiled = []
real = builtins.compile
builtins.compile = lambda source, name, *rest, **kw: (compiled.append(name), real(source, name, *rest, **kw))[1]
specs = [HostSpec("node", port, "node") for port in range(1, 41)]
builtins.compile = real
print(compiled, specs[-1], type(specs[-1]).__init__.__qualname__, HostSpec.__dict__["_record_count"])
startpack.save()
"""


def test_compiled_record_inits_are_kept_in_the_pack(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    environ.update(PYTHONPYCACHEPREFIX=str(cache))

    def run() -> str:
        done = subprocess.run([sys.executable, "-S", "-c", _INIT_PROBE, str(tree)], capture_output=True,
                              text=True, env=environ, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    made = "HostSpec(name='node', port=40, display='node') HostSpec.__init__"
    assert run() == "['<record HostSpec>'] " + made + " 31"   # no pack yet: compiled at the 32nd
    pack = pack_file(tree, cache)
    written = pack.stat().st_mtime_ns
    assert run() == "[] " + made + " 3"      # served from the pack, in place from the 4th
    assert pack.stat().st_mtime_ns == written                # and the pack left alone
    hosts = tree / "pyipmi_tools" / "cli" / "hosts.py"
    hosts.write_text(hosts.read_text().replace("    display: str\n", "    display: str\n    note: str = '-'\n", 1))
    changed = "HostSpec(name='node', port=40, display='node', note='-') HostSpec.__init__"
    assert run() == "['<record HostSpec>'] " + changed + " 3"    # other source: compiled again (a hot class)
    assert run() == "[] " + changed + " 3"
