"""``python3 -m pyipmi_tools.demo``: the README's one-command demonstration really does the job."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.bundled import built_bundle
from tests.support.tools import require_module

ROOT = Path(__file__).resolve().parent.parent


def run_demo(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "pyipmi_tools.demo", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout + done.stderr


def check_transcript(rc: int, text: str) -> None:
    assert rc == 0, text
    assert text.rstrip().endswith("Every step did what was expected."), text
    commands = [line for line in text.splitlines() if line.startswith("$ ")]
    assert len(commands) == 8, commands
    assert re.match(r"\$ ipmi-chassis-config -W opensesspriv --driver-type LAN_2_0 -h 127\.0\.0\.1:\d+ .*"
                    r"--commit --filename \S+$", commands[1])
    assert commands[2].endswith("--cycle --on-if-off") and commands[3].endswith("--stat")
    assert re.search(r"-h .127\.0\.0\.\[2-5\]:\d+. --stat$", commands[6])
    for line in ("127.0.0.1: ok", "127.0.0.1: on", "127.0.0.2: on", "127.0.0.3: on", "127.0.0.4: off",
                 "127.0.0.5: off", "127.0.0.[2-3]", " on", " off"):
        assert line in text.splitlines(), line
    assert "Traceback" not in text and "NOT AS EXPECTED" not in text
    pids = [int(p) for p in re.findall(r"stopped pyipmi-sim \(pid (\d+)\), exit status 0", text)]
    assert len(pids) == 2, text
    for pid in pids:                                   # stopped and reaped: gone, or some unrelated process
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        assert b"pyipmi_tools.sim" not in cmdline


def test_demo_with_the_package() -> None:
    require_module("pyipmi_tools.ipmiconfig.main")
    check_transcript(*run_demo())


def test_demo_with_the_single_file_tools(tmp_path_factory: pytest.TempPathFactory) -> None:
    require_module("pyipmi_tools.ipmiconfig.main")
    check_transcript(*run_demo("--tools", str(built_bundle(tmp_path_factory))))


def test_demo_reports_a_failing_step() -> None:
    """Tools that are not there: every step reported as failed, exit status 1, simulators never left running."""
    rc, text = run_demo("--tools", os.devnull)
    assert rc == 1
    assert "Some steps did not do what was expected" in text and "Traceback" not in text
