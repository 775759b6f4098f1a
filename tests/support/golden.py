"""What both golden comparisons (ipmipower, ipmi-config) share: picking and running the cases,
their results and verdicts, rack-file lines, placeholder substitution, file names for cases,
diffs of outputs, shell quoting, and writing the reports."""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RunResult:
    """One run of one program: what it printed, its exit status, the file it wrote (ipmi-config's
    --filename), the BMCs afterwards."""

    argv: list[str]
    rc: int | str
    stdout: bytes
    stderr: bytes
    outfile: bytes | None = None
    state: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class CaseResult:
    case: Any
    runs: dict[str, RunResult]
    identical: bool = False
    diff: str = ""
    error: str = ""


def as_json(result: CaseResult) -> dict[str, Any]:
    """Everything about one case's runs, for the JSON file next to the report."""
    def run(r: RunResult) -> dict[str, Any]:
        return {"argv": r.argv, "rc": r.rc, "stdout": r.stdout.decode("latin-1"),
                "stderr": r.stderr.decode("latin-1"),
                "outfile": None if r.outfile is None else r.outfile.decode("latin-1"),
                "state": r.state, "seconds": round(r.seconds, 3)}
    return {"id": result.case.id, "group": result.case.group, "identical": result.identical,
            "diff": result.diff, "error": result.error, "runs": {k: run(v) for k, v in result.runs.items()}}


def write_report(target: Path, text: str, results: Sequence[CaseResult]) -> None:
    """The Markdown report at ``target`` and every run as JSON beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.with_suffix(".json").write_text(json.dumps([as_json(r) for r in results], indent=1))


def rack_value(value: str) -> str:
    """A value for a pyipmi-sim rack file, quoted when it holds a separator."""
    return '"' + value + '"' if any(c in value for c in ",#\"' ") else value


def rack_settings(spec: Any) -> list[str]:
    """The rack-file lines of a golden pyipmi-sim spec: its power, then every optional setting it has."""
    lines = [f"power = {'on' if spec.power else 'off'}"]
    if spec.quirks:
        lines.append(f"quirks = {', '.join(spec.quirks)}")
    if spec.users is not None:
        lines.append("users = " + ", ".join(rack_value(u) for u in spec.users))
    for key in ("cipher_suites", "k_g", "slow", "boot_device"):
        value = getattr(spec, key, None)
        if value is not None:
            lines.append(f"{key} = {rack_value(str(value))}")
    return lines


def substitute(text: str, subst: Mapping[str, str]) -> str:
    """Every placeholder of ``subst`` in ``text`` replaced."""
    for key, value in subst.items():
        text = text.replace(key, value)
    return text


def slug(text: str) -> str:
    """A case id as a file name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:120]


def repr_lines(data: bytes) -> list[str]:
    return [repr(line) for line in data.splitlines(keepends=True)] or ["(empty)"]


def diff(name: str, theirs: bytes, ours: bytes) -> str:
    """A unified diff of FreeIPMI's ``name`` stream against ours, one repr'd line per line."""
    body = difflib.unified_diff(repr_lines(theirs), repr_lines(ours), f"{name} FreeIPMI", f"{name} ours",
                                lineterm="", n=1)
    return "\n".join(body)


def shell_quote(arg: str) -> str:
    """``arg`` as a POSIX shell word (for the command lines in reports)."""
    if arg and all(c.isalnum() or c in "-_./:=[],+@%" for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def selected_cases(request: Any, module: str, cases: Sequence[Any]) -> list[Any]:
    """The cases of ``module`` this pytest session runs (all of them, or what ``-k`` leaves)."""
    chosen = {item.callspec.params["case"].id for item in request.session.items
              if getattr(item, "module", None) is sys.modules[module] and hasattr(item, "callspec")
              and "case" in item.callspec.params}
    return [c for c in cases if c.id in chosen] or list(cases)


def run_concurrently(run_case: Callable[[Any], CaseResult], cases: Sequence[Any], workers: int,
                     cost: Callable[[Any], Any]) -> list[CaseResult]:
    """``run_case`` for every case on ``workers`` threads, the costliest first; a harness error
    becomes that case's ``error`` and fails that case only."""
    def run(case: Any) -> CaseResult:
        try:
            return run_case(case)
        except Exception as exc:  # noqa: BLE001 -- a harness failure fails this case only
            return CaseResult(case, {}, error=f"harness error: {type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, sorted(cases, key=cost)))


def group_table(results: Sequence[CaseResult]) -> str:
    """The reports' summary: identical/total per group, in first-seen order, and overall."""
    from tabulate import tabulate

    groups: dict[str, list[CaseResult]] = {}
    for r in results:
        groups.setdefault(r.case.group, []).append(r)
    rows = [[g, sum(r.identical for r in rs), len(rs)] for g, rs in groups.items()]
    rows.append(["**total**", sum(r.identical for r in results), len(results)])
    return tabulate(rows, headers=["group", "identical", "total"], tablefmt="github")


def assert_identical(result: CaseResult) -> None:
    """One golden case's verdict: no harness error, and our run identical to FreeIPMI's."""
    assert not result.error, result.error
    run = result.runs["ours"]
    assert result.identical, f"{' '.join(run.argv)}\n{result.diff}"
