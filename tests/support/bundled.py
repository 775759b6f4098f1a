"""The single-file tools (``python3 -m pyipmi_tools.bundle``) as a test fixture, and hostile environments.

:func:`built_bundle` builds the six files once per test session.  The environments
imitate where the files really run: MAAS's snap (``LC_ALL=C.UTF-8``, a ``PYTHONPATH``
of its own, stdin an empty pipe, no timeout) and worse (no ``HOME``, stdin closed, a
``PYTHONPATH`` holding decoy ``pyipmi_tools``/``configobj``/``tabulate`` packages that
end the process if imported, a ``PYTHONPATH`` holding nothing but ``cryptography``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("ipmipower", "ipmi-config", "ipmi-chassis-config", "pyipmipower", "pyipmi-config", "pyipmi-sim")
DECOY_MESSAGE = "decoy module from PYTHONPATH imported"

_lock = threading.Lock()
_built: dict[str, Path] = {}


def build(outdir: Path, *pythons: str, timeout: float = 300) -> Path:
    """Run ``python3 -m pyipmi_tools.bundle OUTDIR`` (plus ``--python`` for *pythons*); return OUTDIR."""
    argv = [sys.executable, "-m", "pyipmi_tools.bundle", str(outdir)]
    for python in pythons:
        argv += ["--python", python]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return outdir


def built_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory holding the six single-file tools, built once per session."""
    with _lock:
        if "default" not in _built:
            _built["default"] = build(tmp_path_factory.mktemp("bundle"))
        return _built["default"]


def python_on_path(directory: Path) -> Path:
    """*directory* with a ``python3`` symlink to the running interpreter, for ``#!/usr/bin/env python3``."""
    directory.mkdir(parents=True, exist_ok=True)
    link = directory / "python3"
    if not link.exists():
        link.symlink_to(sys.executable)
    return directory


def decoy_path(directory: Path) -> Path:
    """A ``PYTHONPATH`` entry whose ``pyipmi_tools``, ``configobj`` and ``tabulate`` end the process."""
    body = f"raise SystemExit({DECOY_MESSAGE!r})\n"
    for package in ("pyipmi_tools", "configobj", "tabulate"):
        (directory / package).mkdir(parents=True, exist_ok=True)
        (directory / package / "__init__.py").write_text(body)
    for sub in ("ipmipower", "ipmiconfig", "sim"):
        (directory / "pyipmi_tools" / sub).mkdir(exist_ok=True)
        (directory / "pyipmi_tools" / sub / "__init__.py").write_text(body)
    return directory


def cryptography_only_path(directory: Path) -> Path:
    """A ``PYTHONPATH`` entry holding only ``cryptography`` and the cffi pieces it loads."""
    import cryptography
    site = Path(cryptography.__file__).resolve().parent.parent
    directory.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        if entry.name == "cryptography" or entry.name.startswith(("_cffi_backend", "cffi")) and \
                not entry.name.endswith(".dist-info"):
            target = directory / entry.name
            if not target.exists():
                target.symlink_to(entry)
    return directory


def maas_env(path: Sequence[Path | str], pythonpath: Sequence[Path | str] = (), *, home: bool = False) -> dict[str, str]:
    """The environment MAAS's ``run_command`` gives a tool: no ``LC_*``, ``C.UTF-8``, snap-like paths.

    ``HOME`` is removed unless *home* (the tools must not need it).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("PYTHONPATH", "HOME")}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", LANGUAGE="C.UTF-8",
               PATH=os.pathsep.join(str(p) for p in path))
    env.pop("PYTHONHOME", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    if home and "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


def run_like_maas(argv: Sequence[str], env: Mapping[str, str], *, timeout: float = 60,
                  closed_stdin: bool = False) -> tuple[int, bytes, bytes]:
    """Run *argv* as MAAS does (stdin an empty pipe; or closed); (exit status, stdout, stderr).

    MAAS sets no timeout; *timeout* only keeps a broken test from hanging.
    """
    if closed_stdin:
        argv = ["/bin/sh", "-c", 'exec "$@" <&-', "sh", *argv]
    with subprocess.Popen(list(argv), env=dict(env), start_new_session=True, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(b"", timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"{argv} did not finish within {timeout} s: {out!r} {err!r}") from None
    return proc.returncode, out, err
