"""The manual pages in man/: they render without a single warning and document every option --help lists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pyipmisim import PyipmiSimFactory
from tests.support.tools import require_module, require_tool

ROOT = Path(__file__).resolve().parent.parent
MAN = ROOT / "man"
PAGES = ("pyipmipower.8", "pyipmi-config.8", "pyipmi-sim.8", "pyipmi-config.5")

# page -> (module with main(), program name) whose --help the page must cover
PROGRAMS = {
    "pyipmipower.8": ("pyipmi_tools.ipmipower.main", "ipmipower"),
    "pyipmi-config.8": ("pyipmi_tools.ipmiconfig.main", "ipmi-config"),
    "pyipmi-sim.8": ("pyipmi_tools.sim.cli", "pyipmi-sim"),
}
ENV = {**os.environ, "LC_ALL": "C.UTF-8", "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"}


def run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=ENV, stdin=subprocess.DEVNULL)


def rendered_text(page: str) -> str:
    """The page as plain ASCII text (no bold, no underlining, no hyphenated words)."""
    done = run([require_tool("groff"), "-man", "-Tascii", "-P-cbou", "-rHY=0", str(MAN / page)])
    assert done.returncode == 0, done.stderr
    return done.stdout


def help_text(module: str, prog: str) -> str:
    require_module(module)
    code = f"import sys; from {module} import main; sys.argv[0] = {prog!r}; sys.exit(main(['{prog}', '--help']))"
    done = run([sys.executable, "-c", code])
    assert done.returncode == 0 and done.stdout, done.stderr
    return done.stdout


def test_every_page_exists() -> None:
    assert sorted(p.name for p in MAN.iterdir()) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_groff_renders_without_warnings(page: str) -> None:
    done = run([require_tool("groff"), "-ww", "-man", "-Tutf8", str(MAN / page)])
    assert (done.returncode, done.stderr) == (0, "")
    name = page.rsplit(".", 1)[0].upper()
    assert done.stdout.lstrip().startswith(f"{name}({page.rsplit('.', 1)[1]})")


@pytest.mark.parametrize("page", PAGES)
def test_man_renders_without_warnings(page: str) -> None:
    done = run([require_tool("man"), "-l", str(MAN / page)])
    assert (done.returncode, done.stderr) == (0, "")
    assert "NAME" in done.stdout and "SEE ALSO" in done.stdout


@pytest.mark.parametrize("page", PAGES)
def test_mandoc_lint_finds_nothing(page: str) -> None:
    done = run([require_tool("mandoc"), "-T", "lint", str(MAN / page)])
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def _options(help_text: str) -> set[str]:
    """Every option an argp or argparse --help lists: ``--long`` names and ``-x`` letters."""
    found = set()
    for line in help_text.splitlines():
        entry = line.strip()
        if not entry.startswith("-"):
            continue
        head = re.split(r"\s{2,}", entry)[0]          # the option column, before the description
        for option in re.split(r",\s*", head):
            name = re.split(r"[=\s\[]", option)[0]
            if re.fullmatch(r"-[?A-Za-z0-9]|--[a-z0-9][a-z0-9-]*", name):
                found.add(name)
    return found


@pytest.mark.parametrize("page", sorted(PROGRAMS))
def test_every_option_of_help_is_documented(page: str) -> None:
    options = _options(help_text(*PROGRAMS[page]))
    assert {"--help", "--version"} <= options
    text = rendered_text(page)
    missing = sorted(o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text))
    assert missing == [], f"{page} does not document {missing}"


@pytest.fixture(scope="module")
def sims(tmp_path_factory: pytest.TempPathFactory) -> PyipmiSimFactory:
    factory = PyipmiSimFactory(tmp_path_factory.mktemp("sims"))
    yield factory
    factory.stop_all()


def test_file_format_page_names_every_chassis_section_and_key(sims: PyipmiSimFactory) -> None:
    """Every section and key a chassis checkout prints is described in pyipmi-config(5)."""
    require_module("pyipmi_tools.ipmiconfig.main")
    sim = sims()
    code = "import sys; from pyipmi_tools.ipmiconfig.main import main; sys.exit(main(sys.argv))"
    done = run([sys.executable, "-c", code, "--category=chassis", "-D", "LAN_2_0", "-h", sim.host(sim.ports[0]),
                "-u", "admin", "-p", "password", "--checkout"])
    assert done.returncode == 0, done.stderr
    names = set(re.findall(r"^Section (\S+)$", done.stdout, re.MULTILINE))
    names |= set(re.findall(r"^\t(?:## )?([A-Z][A-Za-z_]+) ", done.stdout, re.MULTILINE)) - {"Possible", "Give"}
    assert len(names) > 20
    text = rendered_text("pyipmi-config.5")
    assert sorted(n for n in names if n not in text) == []
