"""pyipmi_tools.posixio matches os for what the command-line path uses, and never imports os."""

from __future__ import annotations

import os
import subprocess
import sys

from pyipmi_tools import posixio


def test_matches_os(monkeypatch):
    for text in ("plain", "caf\u00e9", "bad\udcff"):
        assert posixio.fsencode(text) == os.fsencode(text)
        assert posixio.fsdecode(os.fsencode(text)) == os.fsdecode(os.fsencode(text))
    assert posixio.fsencode(b"x") == b"x" and posixio.fsdecode("x") == "x"
    monkeypatch.setenv("PYIPMI_POSIXIO_TEST", "v\u00e9")
    assert posixio.getenv("PYIPMI_POSIXIO_TEST") == "v\u00e9"
    assert posixio.getenvb(b"PYIPMI_POSIXIO_TEST") == os.environb[b"PYIPMI_POSIXIO_TEST"]
    monkeypatch.delenv("PYIPMI_POSIXIO_TEST")
    assert posixio.getenv("PYIPMI_POSIXIO_TEST") is None
    assert posixio.basename("/usr/sbin/ipmipower") == "ipmipower" == posixio.basename("ipmipower")


def test_environment_without_os_loaded():
    code = ("import sys; import pyipmi_tools.posixio as p; "
            "print(p.getenv('PYIPMI_X'), 'os' in sys.modules)")
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                         env={"PYIPMI_X": "42", "PYTHONPATH": os.path.dirname(os.path.dirname(posixio.__file__))})
    assert out.stdout.split() == ["42", "False"]


def test_ipmipower_stat_path_imports_neither_os_nor_heavy_modules():
    """The modules a one-host run needs do not pull in what start-up time was cut from."""
    root = os.path.dirname(os.path.dirname(posixio.__file__))
    code = ("import sys\n"
            "from pyipmi_tools.ipmipower import main, options, operations, output\n"
            "from pyipmi_tools.session import lan20\n"
            "from pyipmi_tools import transport\n"
            "from pyipmi_tools.cli import conffile, hostlist, hosts\n"
            "heavy = ('os', 'typing', 'dataclasses', 'enum', 'socket', 'selectors', 'hashlib', 'random',\n"
            "         'cryptography', 're', 'collections', 'functools', 'signal')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": root})
    assert out.stdout.strip() == "[]"


def test_exit_now_flushes_buffered_output_and_keeps_the_status():
    root = os.path.dirname(os.path.dirname(posixio.__file__))
    code = ("import atexit, sys; from pyipmi_tools.posixio import exit_now\n"
            "atexit.register(lambda: print('teardown ran'))\n"
            "print('buffered line'); sys.stderr.write('err line\\n'); exit_now(3)\n")
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": root})
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered line\n", "err line\n")


def test_invoked_name_is_the_bare_name_for_a_path_entry(monkeypatch):
    monkeypatch.setenv("PATH", "/usr/local/bin:/snap/bin/:/usr/sbin")
    assert posixio.invoked_name("/snap/bin/ipmipower") == "ipmipower"
    assert posixio.invoked_name("/usr/sbin/ipmipower") == "ipmipower"
    assert posixio.invoked_name("/opt/bin/ipmipower") == "/opt/bin/ipmipower"
    assert posixio.invoked_name("./ipmipower") == "./ipmipower"
    assert posixio.invoked_name("ipmipower") == "ipmipower"
