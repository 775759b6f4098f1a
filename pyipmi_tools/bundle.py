"""Build single-file executables of the tools: ``python3 -m pyipmi_tools.bundle OUTDIR``.

Each file is a Python zip application (a ``#!`` line followed by a zip archive) holding
the ``pyipmi_tools`` package, ``configobj`` and ``tabulate``; it needs only a Python 3.10
or newer on ``PATH`` with ``cryptography`` importable (the MAAS snap's Python is).  The
files written are ``ipmipower``, ``ipmi-config``, ``ipmi-chassis-config`` (FreeIPMI's
names, to be put where FreeIPMI's are looked for), ``pyipmipower``, ``pyipmi-config`` and
``pyipmi-sim``.

Start-up time matters (MAAS starts ``ipmipower`` for every power query), so the archive
carries bytecode for every interpreter named with ``--python`` (default: the one running
the build), compiled by that interpreter.  The archive's ``__main__`` installs a small
import finder that serves the bundled modules from that bytecode when the running
interpreter's magic number matches and compiles the bundled source otherwise, so one file
is fast on each of those Pythons and still works on any other.  The finder also puts the
archive in front of everything on ``PYTHONPATH``: a foreign ``pyipmi_tools`` or
``configobj`` there cannot shadow the bundled ones, while ``cryptography`` still comes from
the system (or snap) site-packages.

The build is reproducible: entries are sorted and carry a fixed timestamp.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .startpack import PACK_FORMAT, encode_pack

PACKAGE_DIR = Path(__file__).resolve().parent
THIRD_PARTY = ("configobj", "tabulate")
#: ``-S``: no site-packages processing, often the largest part of Python's start-up; the
#: bundle carries all it needs, and ``PYTHONPATH`` (the snap's ``cryptography``) still works.
DEFAULT_SHEBANG = "/usr/bin/env -S python3 -S"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: FreeIPMI's ipmi-chassis-config is a shell script running ``exec /usr/sbin/ipmi-config
#: --category=chassis "$@"``: its messages start with the path of the ipmi-config next to
#: it.  Ours does the same (as ``bin/ipmi-chassis-config`` does).
SIBLING_IPMI_CONFIG = "ipmi-config"

#: tool file name -> (module, function, arguments inserted before the user's, sibling or None).
#: With a sibling, argv[0] becomes that name in the directory of the file run; with None
#: the entry point reads ``sys.argv`` itself (as the ``bin/`` scripts do).
TOOLS: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {
    "ipmipower": ("pyipmi_tools.ipmipower.main", "main", (), None),
    "pyipmipower": ("pyipmi_tools.ipmipower.main", "main", (), None),
    "ipmi-config": ("pyipmi_tools.ipmiconfig.main", "main", (), None),
    "pyipmi-config": ("pyipmi_tools.ipmiconfig.main", "main", (), None),
    "ipmi-chassis-config": ("pyipmi_tools.ipmiconfig.main", "main", ("--category=chassis",), SIBLING_IPMI_CONFIG),
    "pyipmi-sim": ("pyipmi_tools.sim.cli", "main", (), None),
}

# The archive's __main__.py.  It runs before anything of ours is imported, must stay cheap
# (no imports beyond sys and what the import system already loaded) and must run on 3.10.
_MAIN_TEMPLATE = '''\
"""pyipmi-tools {tool}: a single-file build (python3 -m pyipmi_tools.bundle)."""

import sys

TOOL = {tool!r}
ENTRY = {entry!r}
MODULES = {modules!r}
PACKS = {packs!r}


class _BundleFinder:
    """Serves the bundled modules from the archive: precompiled when possible."""

    def __init__(self, archive, reader):
        self.archive = archive
        self.reader = reader
        self.tag = sys.implementation.cache_tag
        self.magic = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER
        self.spec_type = sys.modules["_frozen_importlib"].ModuleSpec
        self.pack = None

    def find_spec(self, name, path=None, target=None):
        entry = MODULES.get(name)
        if entry is None:
            return None
        rel, is_package = entry
        spec = self.spec_type(name, self, origin=self.archive + "/" + rel + ".py", is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [self.archive + "/" + rel.rpartition("/")[0]]
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self.get_code(module.__spec__.name), module.__dict__)

    def is_package(self, name):
        return MODULES[name][1]

    def get_source(self, name):
        return self.reader.get_data(MODULES[name][0] + ".py").decode("utf-8")

    def _open_pack(self):
        """Read the index of this interpreter's bytecode pack (stored uncompressed at PACKS[tag]).

        The pack is pyipmi_tools.startpack's format; this reader cannot import that module,
        since it is what makes the bundled modules importable.
        """
        self.pack = {{}}
        offset = PACKS.get(self.tag)
        if offset is None:
            return
        handle = open(self.archive, "rb")
        handle.seek(offset)
        head = handle.read({header_len})
        if head[:-4] != {pack_format!r} + self.magic:
            handle.close()
            return
        import marshal
        size = int.from_bytes(head[-4:], "little")
        self.pack = marshal.loads(handle.read(size))
        self.pack_file = handle
        self.pack_base = offset + {header_len} + size

    def get_code(self, name):
        rel = MODULES[name][0]
        if self.pack is None:
            self._open_pack()
        entry = self.pack.get(rel)
        if entry is not None:
            # One seek and read per module, straight from the file (get_data() reopens the zip).
            import marshal
            self.pack_file.seek(self.pack_base + entry[0])
            return marshal.loads(self.pack_file.read(entry[1]))
        return compile(self.reader.get_data(rel + ".py"), rel + ".py", "exec", dont_inherit=True)


def _boot():
    reader = __loader__
    archive = reader.archive
    while archive in sys.path:
        sys.path.remove(archive)
    sys.path.insert(0, archive)
    for name in list(sys.modules):
        if name.partition(".")[0] in {roots!r}:
            del sys.modules[name]
    sys.meta_path.insert(0, _BundleFinder(archive, reader))


def _run():
    module_name, function, inserted, sibling = ENTRY
    _boot()
    if TOOL != "pyipmi-sim":            # a server keeps the default collector settings
        from pyipmi_tools.launch import relax_garbage_collection
        relax_garbage_collection()
    try:
        module = __import__(module_name, fromlist=[function])
    except ImportError as exc:
        if exc.name is None or not (module_name + ".").startswith(exc.name + "."):
            raise
        sys.stderr.write(TOOL + ": not included in this build\\n")
        return 1
    if sibling is not None:
        import os
        argv0 = os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), sibling)
        return getattr(module, function)([argv0, *inserted, *sys.argv[1:]])
    sys.argv[1:1] = list(inserted)
    return getattr(module, function)()


if __name__ == "__main__":
    status = _run()
    if TOOL != "pyipmi-sim":            # a server keeps its normal interpreter teardown
        from pyipmi_tools.posixio import exit_now
        exit_now(status)
    sys.exit(status)
'''

# Run by each target interpreter: compile the listed sources, write .pyc files, report.
_COMPILER = r'''
import importlib.util, json, marshal, os, sys
job = json.load(sys.stdin)
tag = sys.implementation.cache_tag
report = json.dumps({"tag": tag, "version": list(sys.version_info[:2])})
if sys.version_info < (3, 10):
    print(report)
    sys.exit(0)
for rel, source_path, filename in job["files"]:
    with open(source_path, "rb") as f:
        source = f.read()
    code = compile(source, filename, "exec", dont_inherit=True)
    out = os.path.join(job["outdir"], tag, rel + ".pyc")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
    with open(out, "wb") as f:
        f.write(header + marshal.dumps(code))
print(report)
'''


class BundleError(Exception):
    """The bundle cannot be built (missing dependency, unusable interpreter)."""


def _package_sources(root: Path, prefix: str) -> Iterable[tuple[str, Path]]:
    """(archive path without ``.py``, file) for every ``.py`` under *root*, sorted."""
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield prefix + path.relative_to(root).with_suffix("").as_posix(), path


def _third_party(name: str) -> tuple[list[tuple[str, Path]], list[tuple[str, bytes]]]:
    """Sources of an installed distribution *name*, and its metadata and licence files."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise BundleError(f"{name} is not installed: pip install {name}")
    origin = Path(spec.origin)
    if spec.submodule_search_locations:
        sources = list(_package_sources(origin.parent, name + "/"))
    else:
        sources = [(name, origin)]
    extras: list[tuple[str, bytes]] = []
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return sources, extras
    info = f"{name}-{dist.version}.dist-info/"
    extras.append((info + "METADATA", (dist.read_text("METADATA") or "").encode()))
    for file in dist.files or ():
        if "LICENSE" in file.name.upper() or "COPYING" in file.name.upper():
            extras.append((info + file.name, Path(file.locate()).read_bytes()))
    return sources, extras


def _module_table(sources: Sequence[tuple[str, Path]]) -> dict[str, tuple[str, bool]]:
    """Module name -> (archive path without ``.py``, is a package)."""
    table = {}
    for rel, _ in sources:
        parts = rel.split("/")
        if parts[-1] == "__init__":
            table[".".join(parts[:-1])] = (rel, True)
        else:
            table[".".join(parts)] = (rel, False)
    return table


def _compile_for(python: str, sources: Sequence[tuple[str, Path, str]], outdir: Path) -> str:
    """Compile (archive path, file, name in tracebacks) *sources* with *python* into ``outdir/<tag>/``.

    Returns the interpreter's cache tag.  The ``.pyc`` files are unchecked hash-based ones:
    the archive never changes, so the source need not be compared.
    """
    job = json.dumps({"outdir": str(outdir), "files": [(rel, str(path), name) for rel, path, name in sources]})
    try:
        done = subprocess.run([python, "-I", "-c", _COMPILER], input=job, capture_output=True, text=True,
                              timeout=300)
    except OSError as exc:
        raise BundleError(f"cannot run {python}: {exc.strerror}") from None
    if done.returncode != 0:
        raise BundleError(f"{python} could not compile the sources:\n{done.stderr.strip()}")
    report = json.loads(done.stdout)
    if tuple(report["version"]) < (3, 10):
        raise BundleError(f"{python} is Python {'.'.join(map(str, report['version']))}; 3.10 or newer is needed")
    return str(report["tag"])


def _pack(compiled: Path, rels: Sequence[str]) -> bytes:
    """One interpreter's bytecode for every module, in the start-up pack format (startpack.py)."""
    pycs = {rel: (compiled / (rel + ".pyc")).read_bytes() for rel in rels}
    magic = next(iter(pycs.values()))[:4]
    return encode_pack(magic, [(rel, pyc[16:], ()) for rel, pyc in pycs.items()])


_LOCAL_HEADER_LEN = 30      # a zip local file header without its name and extra field


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED        # no inflating at start-up: ~3 ms less per run
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def build(outdir: Path, pythons: Sequence[str] = (), shebang: str = DEFAULT_SHEBANG,
          tools: Iterable[str] = TOOLS) -> list[Path]:
    """Write the single-file tools into *outdir*; return their paths.

    The first of *pythons* (default: this interpreter) also gets a precompiled
    ``__main__.pyc``, which zipimport uses when its magic number matches.
    """
    sources = list(_package_sources(PACKAGE_DIR, "pyipmi_tools/"))
    extras: list[tuple[str, bytes]] = []
    for name in THIRD_PARTY:
        more, info = _third_party(name)
        sources += more
        extras += info
    modules = _module_table(sources)
    tools = list(tools)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    head = f"#!{shebang}\n".encode()
    with tempfile.TemporaryDirectory(prefix="pyipmi-bundle-") as tmp:
        tags: list[str] = []
        pythons = list(dict.fromkeys(pythons or [sys.executable]))
        for python in pythons:
            tag = _compile_for(python, [(rel, path, rel + ".py") for rel, path in sources], Path(tmp, "out"))
            if tag not in tags:
                tags.append(tag)
        # The packs come first in the archive, so their offsets in the file are known before
        # __main__ (which holds them) is written.
        bytecode = [(f"__bytecode__/{tag}.pack", _pack(Path(tmp, "out", tag), [rel for rel, _ in sources]))
                    for tag in tags]
        packs = {}
        offset = len(head)
        for (name, data), tag in zip(bytecode, tags):
            offset += _LOCAL_HEADER_LEN + len(name.encode())
            packs[tag] = offset
            offset += len(data)
        mains = {}
        roots = tuple(sorted({*THIRD_PARTY, "pyipmi_tools"}))
        for tool in tools:
            mains[tool] = Path(tmp, "mains", tool, "__main__.py")
            mains[tool].parent.mkdir(parents=True)
            mains[tool].write_text(_MAIN_TEMPLATE.format(tool=tool, entry=TOOLS[tool], modules=modules, roots=roots,
                                                         packs=packs, pack_format=PACK_FORMAT,
                                                         header_len=len(PACK_FORMAT) + 8))
        _compile_for(pythons[0], [(f"__mains__/{tool}/__main__", path, "__main__.py") for tool, path in mains.items()],
                     Path(tmp, "out"))
        written = []
        for tool in tools:
            target = outdir / tool
            partial = outdir / f".{tool}.tmp"
            with open(partial, "wb") as out:
                out.write(head)
                with zipfile.ZipFile(out, "w") as archive:
                    for name, data in bytecode:
                        _add(archive, name, data)
                    _add(archive, "__main__.py", mains[tool].read_bytes())
                    main_pyc = Path(tmp, "out", tags[0], "__mains__", tool, "__main__.pyc")
                    _add(archive, "__main__.pyc", main_pyc.read_bytes())
                    for rel, path in sources:
                        _add(archive, rel + ".py", path.read_bytes())
                    for name, data in sorted(extras):
                        _add(archive, name, data)
            _check_pack_offsets(partial, bytecode, packs, tags)
            os.chmod(partial, 0o755)
            os.replace(partial, target)
            written.append(target)
    return written


def _check_pack_offsets(path: Path, bytecode: Sequence[tuple[str, bytes]], packs: dict[str, int],
                        tags: Sequence[str]) -> None:
    """The offsets baked into __main__ must be where the packs really are."""
    with open(path, "rb") as handle:
        for (name, data), tag in zip(bytecode, tags):
            handle.seek(packs[tag])
            if handle.read(16) != data[:16]:
                raise BundleError(f"{name} is not at offset {packs[tag]} of {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m pyipmi_tools.bundle",
        description="Write single-file executables of pyipmi-tools into OUTDIR: "
                    + ", ".join(TOOLS) + ".")
    parser.add_argument("outdir", metavar="OUTDIR", type=Path)
    parser.add_argument("--python", action="append", default=[], metavar="PYTHON",
                        help="also precompile for this interpreter (repeatable; default: the one running this)")
    parser.add_argument("--shebang", default=DEFAULT_SHEBANG,
                        help=f"interpreter line of the files (default: {DEFAULT_SHEBANG})")
    args = parser.parse_args(argv)
    pythons = [sys.executable, *args.python]
    try:
        written = build(args.outdir, pythons, args.shebang)
    except BundleError as exc:
        print(f"pyipmi_tools.bundle: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"{path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
