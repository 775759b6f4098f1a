"""pyipmi_tools.launch: how the bin/ scripts start a tool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyipmi_tools import launch

ROOT = Path(__file__).resolve().parents[1]


def _run_probe(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    (tmp_path / "launchprobe.py").write_text("import gc, sys\n\ndef main():\n" + body)
    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(tmp_path)!r}]\n"
            "from pyipmi_tools import launch\nlaunch.run('launchprobe', 'launchprobe')\n")
    return subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)


def test_a_tool_runs_with_the_relaxed_collector_and_exits_with_its_status(tmp_path):
    done = _run_probe(tmp_path, "    print(gc.get_threshold()[0], gc.isenabled())\n    return 3\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, f"{launch.GC_THRESHOLD} True\n", "")


def test_the_collector_still_frees_cycles(tmp_path):
    body = ("    class Node:\n        pass\n"
            "    for _ in range(3 * 100_000):\n"
            "        a, b = Node(), Node()\n        a.other, b.other = b, a\n"
            "    print(gc.get_count()[0] < 100_000 + 10, gc.get_stats()[0]['collected'] > 0)\n"
            "    return 0\n")
    done = _run_probe(tmp_path, body)
    assert (done.returncode, done.stdout) == (0, "True True\n")
