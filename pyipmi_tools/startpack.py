"""A start-up cache for the command-line shims: every module a run imported, in one file.

Python finds, opens, reads and checks one ``.pyc`` file per module: some 60 microseconds
each, about 3 ms for the fifty modules of an ``ipmipower --stat``, which is most of what
is left between us and FreeIPMI's 7 ms.  The shims in ``bin/`` call :func:`install`
before importing the tool; the finder it installs serves ``pyipmi_tools`` modules from
``__pycache__/startpack.<tool>.<cache tag>.pack`` (one open, one seek and read per module) and
:func:`save` (called by the shim after the run) rewrites that file when a module was
missing from it or changed.

A module is served from the pack only if its source still has the size and modification
time recorded there, as Python checks ``.pyc`` files; anything else takes the normal
import path.  The pack lists its modules in the order they finished loading, and
:func:`install` runs the current ones in that order straight away, without the import
machinery (its locks, specs and attribute set-up cost some 13 microseconds a module,
0.6 ms a run); a module that fails there is left to the normal import, which reports
its error where the program asks for it.  The pack is written like a ``.pyc`` (honouring ``PYTHONDONTWRITEBYTECODE``
and ``PYTHONPYCACHEPREFIX``), atomically through a temporary file, and a damaged one is
ignored.  Only the ``bin/`` shims use this; the installed entry points and the
single-file builds (which carry their own bytecode) do not.
"""

from __future__ import annotations

import sys
from posix import fstat, stat

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any

PACK_FORMAT = b"pyipmi-startpack-1\n"
INITS = "<record inits>"    # the index entry holding record.compiled_inits (never a module name)


def encode_pack(magic: bytes, entries: list[tuple[str, bytes, tuple]]) -> bytes:
    """A pack: this format line, the interpreter's magic number, the index length (4 bytes,
    little-endian), the index -- ``marshal`` of {name: (start, length, *details)} -- and the
    marshalled code objects one after another.  The single-file builds use the same format.
    """
    import marshal
    index = {}
    start = 0
    for name, code, details in entries:
        index[name] = (start, len(code), *details)
        start += len(code)
    table = marshal.dumps(index, 4)
    return PACK_FORMAT + magic + len(table).to_bytes(4, "little") + table + b"".join(c for _, c, _ in entries)


class _PackFinder:
    """Serves the modules recorded in the pack whose sources are unchanged."""

    def __init__(self, root: str, path: str) -> None:
        self.root = root                    # the directory holding pyipmi_tools/
        self.path = path
        self.index: dict[str, tuple[int, int, str, bool, int, int]] = {}
        self.base = 0
        self.file: Any = None
        self.stale = False                  # a module was missing or changed: rewrite at save()
        self.order: list[str] = []          # the modules this finder ran, in the order they finished
        self.earlier = frozenset(sys.modules)   # loaded before the finder: never its business
        self.inits: frozenset[str] = frozenset()   # record.compiled_inits keys the pack supplied
        try:
            handle = open(path, "rb")
        except OSError:
            self.stale = True
            return
        try:
            import marshal
            magic = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER
            if handle.read(len(PACK_FORMAT)) != PACK_FORMAT or handle.read(4) != magic:
                raise ValueError("not a pack for this interpreter")
            size = int.from_bytes(handle.read(4), "little")
            self.index = marshal.loads(handle.read(size))
            self.base = handle.tell()
            end = max((entry[0] + entry[1] for entry in self.index.values()), default=0)
            if fstat(handle.fileno()).st_size != self.base + end:
                raise ValueError("truncated pack")
            self.file = handle
        except (ValueError, EOFError, TypeError, OSError):
            handle.close()
            self.index = {}
            self.stale = True

    def find_spec(self, name: str, path: object = None, target: object = None) -> Any:
        if not name.startswith("pyipmi_tools."):
            return None
        entry = self.index.get(name)
        if entry is None:
            self.stale = True
            return None
        _start, _length, source, is_package, mtime_ns, size = entry
        try:
            st = stat(self.root + "/" + source)
        except OSError:
            self.stale = True
            return None
        if st.st_mtime_ns != mtime_ns or st.st_size != size:
            self.stale = True
            return None
        spec = sys.modules["_frozen_importlib"].ModuleSpec(name, self, origin=self.root + "/" + source,
                                                          is_package=is_package)
        spec.has_location = True
        if is_package:
            spec.submodule_search_locations = [self.root + "/" + source.rpartition("/")[0]]
        return spec

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        import marshal
        name = module.__spec__.name
        start, length = self.index[name][:2]
        self.file.seek(self.base + start)
        exec(marshal.loads(self.file.read(length)), module.__dict__)
        self.order.append(name)

    def preload(self) -> None:
        """Run every current module of the pack, in the recorded order, as an import would."""
        module_type = type(sys)
        modules = sys.modules
        for name in self.index:
            parent, _, child = name.rpartition(".")
            if name in modules or parent not in modules:
                continue
            spec = self.find_spec(name)
            if spec is None:                # changed since the pack was written
                continue
            module = module_type(name)
            module.__spec__ = spec
            module.__loader__ = self
            module.__file__ = spec.origin
            module.__package__ = name if spec.submodule_search_locations is not None else parent
            if spec.submodule_search_locations is not None:
                module.__path__ = spec.submodule_search_locations
            modules[name] = module
            try:
                self.exec_module(module)
            except Exception:
                modules.pop(name, None)     # the normal import will try again, and report
                self.stale = True
                continue
            setattr(modules[parent], child, module)

    def modules(self) -> list[str]:
        """The pack's modules, in its order."""
        return [name for name in self.index if name != INITS]

    def load_inits(self) -> None:
        """Hand the pack's compiled record ``__init__`` code to :mod:`.record`, if it was preloaded."""
        entry = self.index.get(INITS)
        record = sys.modules.get("pyipmi_tools.record")
        if entry is None or record is None:
            return
        import marshal
        self.file.seek(self.base + entry[0])
        try:
            inits = marshal.loads(self.file.read(entry[1]))
        except (ValueError, EOFError, TypeError):
            self.stale = True
            return
        if type(inits) is dict:
            record.add_compiled_inits(inits)
            self.inits = frozenset(inits)

    def new_inits(self) -> bool:
        """Whether this run compiled record ``__init__`` code the pack lacks."""
        record = sys.modules.get("pyipmi_tools.record")
        return record is not None and not self.inits.issuperset(record.compiled_inits)

    def get_source(self, name: str) -> str:
        with open(self.root + "/" + self.index[name][2], encoding="utf-8") as handle:
            return handle.read()


_finder: _PackFinder | None = None


def pack_path(root: str, tool: str) -> str:
    """Where ``tool``'s pack for this interpreter lives (each tool imports its own set)."""
    directory = root + "/pyipmi_tools/__pycache__"
    prefix = sys.pycache_prefix
    if prefix:
        directory = prefix.rstrip("/") + "/" + directory.lstrip("/")
    return f"{directory}/startpack.{tool}.{sys.implementation.cache_tag}.pack"


def install(root: str, tool: str) -> None:
    """Serve ``pyipmi_tools`` modules under ``root`` from ``tool``'s pack, where it is current."""
    global _finder
    if _finder is not None:
        return
    _finder = _PackFinder(root, pack_path(root, tool))
    sys.meta_path.insert(0, _finder)
    if _finder.file is not None:
        _finder.preload()
        _finder.load_inits()


def save() -> None:
    """Rewrite the pack if this run imported a module it lacked or that changed since."""
    finder = _finder
    if finder is None or sys.dont_write_bytecode:
        return
    if not finder.stale and finder.order == finder.modules() and not finder.new_inits():
        return
    try:
        _write(finder)
    except (OSError, ValueError, SyntaxError):
        pass                                # a cache: never fail a run because of it


def _write(finder: _PackFinder) -> None:
    import marshal
    import os
    root = finder.root
    entries = []
    ran = set(finder.order)
    loaded = [name for name in sys.modules if name not in ran and name not in finder.earlier]   # normal imports
    for name in finder.order + loaded:
        module = sys.modules.get(name)
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if not name.startswith("pyipmi_tools.") or not origin.startswith(root + "/"):
            continue
        if name in ran:                     # served from the pack, which checked its source: copy
            start, length, *details = finder.index[name]
            finder.file.seek(finder.base + start)
            entries.append((name, finder.file.read(length), tuple(details)))
            continue
        source = origin[len(root) + 1:]
        with open(origin, "rb") as handle:
            st = os.fstat(handle.fileno())
            code = marshal.dumps(compile(handle.read(), origin, "exec", dont_inherit=True))
        entries.append((name, code, (source, source.endswith("/__init__.py"), st.st_mtime_ns, st.st_size)))
    record = sys.modules.get("pyipmi_tools.record")
    if record is not None and record.compiled_inits:
        entries.append((INITS, marshal.dumps(record.compiled_inits), ("", False, 0, 0)))
    magic = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER
    os.makedirs(os.path.dirname(finder.path), exist_ok=True)
    partial = f"{finder.path}.{os.getpid()}.tmp"
    with open(partial, "wb") as out:
        out.write(encode_pack(magic, entries))
    os.replace(partial, finder.path)
