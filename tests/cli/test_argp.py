"""pyipmi_tools.cli.argp: GNU argp/getopt_long behaviour, checked against the real tools.

The golden tests run FreeIPMI 1.6.10's ipmipower and ipmi-config and compare exit
status, stdout and stderr byte for byte with a parser built here from the shared
option table plus each tool's own option names (the tool entry points are tested
elsewhere).  The help layout is checked by feeding the real tools' own help sentences,
read from the binaries at run time, through our renderer; when a C compiler is
present, random option tables are also rendered by glibc's argp itself.
"""

from __future__ import annotations

import os
import random
import re
import string
import subprocess

import pytest

from pyipmi_tools.cli.argp import ArgpExit, ArgpParser, Option, UsageError
from pyipmi_tools.cli.common import FIRST_TOOL_GROUP, IPMI_CONFIG, IPMIPOWER, common_options
from tests.support.tools import find_tool, require_tool

# -- test-local drivers: the shared options plus each tool's own option names ---------------

_POWER_OWN = [  # (key, long, short, metavar, hidden) in ipmipower_argp.c order
    ("on", "on", "n", None, False), ("off", "off", "f", None, False),
    ("cycle", "cycle", "c", None, False), ("reset", "reset", "r", None, False),
    ("stat", "stat", "s", None, False), ("pulse", "pulse", None, None, False),
    ("soft", "soft", None, None, False), ("on-if-off", "on-if-off", None, None, False),
    ("wait-until-off", "wait-until-off", None, None, False),
    ("wait-until-on", "wait-until-on", None, None, False),
    ("oem-power-type", "oem-power-type", None, "OEM-POWER-TYPE", False),
    ("retransmission-wait-timeout", "retry-wait-timeout", None, "MILLISECONDS", True),
    ("retransmission-wait-timeout", "retransmission-wait-timeout", None, "MILLISECONDS", False),
    ("retransmission-backoff-count", "retry-backoff-count", None, "COUNT", True),
    ("retransmission-backoff-count", "retransmission-backoff-count", None, "COUNT", False),
    ("ping-interval", "ping-interval", None, "MILLISECONDS", False),
    ("ping-timeout", "ping-timeout", None, "MILLISECONDS", False),
    ("ping-packet-count", "ping-packet-count", None, "COUNT", False),
    ("ping-percent", "ping-percent", None, "PERCENT", False),
    ("ping-consec-count", "ping-consec-count", None, "COUNT", False),
]
_CONFIG_OWN = [
    ("category", "category", "g", "CATEGORY", False), ("checkout", "checkout", "o", None, False),
    ("commit", "commit", "c", None, False), ("diff", "diff", "d", None, False),
    ("filename", "filename", "n", "FILENAME", False), ("key-pair", "key-pair", "e", "KEY-PAIR", False),
    ("section", "section", "S", "SECTION", False), ("listsections", "listsections", "L", None, False),
    ("verbose", "verbose", "v", None, False),
    ("lan-channel-number", "lan-channel-number", None, "NUMBER", False),
    ("serial-channel-number", "serial-channel-number", None, "NUMBER", False),
    ("sol-channel-number", "sol-channel-number", None, "NUMBER", False),
    ("filename", "foobar", "f", "FILENAME", True), ("info", "info", "i", None, True),
]
_DOC = {IPMIPOWER: "ipmipower - IPMI power control utility", IPMI_CONFIG: "ipmi-config - configure BMC values"}
_OWN = {IPMIPOWER: _POWER_OWN, IPMI_CONFIG: _CONFIG_OWN}


def table(tool: str, helps: dict[str, str] | None = None) -> list[Option]:
    """The tool's full option table; ``helps`` replaces help sentences by long name."""
    options = list(common_options(tool))
    for group, (key, long, short, arg, hidden) in enumerate(_OWN[tool], FIRST_TOOL_GROUP):
        options.append(Option(key, long, short, arg, f"Our words for --{long}.", hidden, 0 if hidden else group))
    if helps is not None:
        options = [Option(o.key, o.long, o.short, o.arg, helps.get(o.long or "", o.help), o.hidden, o.group)
                   for o in options]
    return options


def real(tool: str, args: list[str], argv0: str | None = None, env: dict[str, str] | None = None,
         cwd: str | None = None, stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    exe = require_tool(tool)
    env = dict(os.environ if env is None else env, LC_ALL="C")    # glibc's messages untranslated
    proc = subprocess.run([argv0 or tool, *args], executable=exe, capture_output=True, input=stdin, check=False,
                          env=env, cwd=cwd, timeout=10)
    return proc.returncode, proc.stdout, proc.stderr


_VERSIONS: dict[str, str] = {}


def version(tool: str) -> str:
    if tool not in _VERSIONS:
        _VERSIONS[tool] = real(tool, ["--version"])[1].decode()[:-1]
    return _VERSIONS[tool]


def parser(tool: str, options: list[Option] | None = None) -> ArgpParser:
    return ArgpParser(tool, options if options is not None else table(tool), _DOC[tool], version(tool),
                      positional_error="too-many" if tool == IPMIPOWER else "usage")


def ours(tool: str, args: list[str], argv0: str | None = None, options: list[Option] | None = None,
         name: str | None = None) -> tuple[int, bytes, bytes] | None:
    """Run the first pass then the full pass; None if argp lets the program go on."""
    p = parser(tool, options)
    if name is not None:
        p.name = name
    argv = [argv0 or tool, *args]
    try:
        p.parse(argv, lambda key, value: None, only={"config-file"})
        p.parse(argv, lambda key, value: key != "reg-space")     # 1.6.10 handles --reg-space nowhere
    except ArgpExit as exc:
        return exc.status, exc.stdout, exc.stderr
    return None


@pytest.fixture(autouse=True)
def _quiet(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """Our parser also prints what it returns; keep the test output clean."""


# -- golden: errors, --usage, --version ----------------------------------------------------------

CASES = [
    ["--foo"], ["--foo=3"], ["--o"], ["--o=3"], ["--on=3"], ["--sta=3"], ["x"], ["-x"], ["-h"], ["-W"],
    ["--hostn=x", "--bogus"], ["--=x"], ["--retr"], ["--re"], ["--p"], ["--priv"], ["--auth"], ["--a"],
    ["--h"], ["--u"], ["--c"], ["--f"], ["--i"], ["--ipmi"], ["--time"], ["--conf"], ["--config-file"],
    ["--program-name"], ["--help=3"], ["-n-"], ["-:"], ["-nx"], ["-Px"], ["--", "x"], ["--", "--bogus"],
    ["-"], [""], ["--bogus", "--config-file", "/nonexistent"], ["--config-file", "/nonexistent", "--bogus"],
    ["x", "--bogus"], ["-W", "bogus", "--on=1"], ["--usage"], ["--usage", "--help"], ["--version"],
    ["-V?"], ["--vers"], ["--v"], ["-V", "--bogus"], ["--program-name=foo", "--bogus"],
    ["--program-name=/a/b/foo", "x"], ["--program-name=a/", "--usage"], ["--HANG=0", "x"],
    ["--HA=-5", "--bogus"], ["--program-name=" + "z" * 70, "--bogus"], ["-\u00e9"], ["--priva"],
    ["--ping-p"], ["--reg"], ["--no"], ["--retransmission-wait-timeout"], ["--reg-space", "1"], ["--reg-s=1"],
    ["-W", "x", "--reg-space"], ["--program-name=p", "--reg-space=2", "--bogus"],
]


def _decided_by_argp(result: tuple[int, bytes, bytes]) -> bool:
    return result[0] == 64 or (result[0] == 0 and not result[2])


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:40] or "empty")
def test_golden_usage_errors_usage_and_version(tool: str, args: list[str]) -> None:
    expected = real(tool, args)
    got = ours(tool, args)
    if _decided_by_argp(expected):
        assert got == expected
    else:                                   # the tool itself goes on (or fails later)
        assert got is None


ARGV0 = [("./ipmipower", "/usr/sbin", ["--foo"]), ("./ipmipower", "/usr/sbin", ["x"]),
         ("./ipmipower", "/usr/sbin", ["-h"]), ("../sbin/ipmi-config", "/usr/sbin", ["--o"]),
         ("/usr/sbin/ipmi-config", None, ["--foo"]), ("/usr/sbin/ipmi-config", None, ["x"])]


@pytest.mark.parametrize(("argv0", "cwd", "args"), ARGV0)
def test_golden_argv0_spelling(argv0: str, cwd: str | None, args: list[str]) -> None:
    """getopt prints argv[0] verbatim, argp the short program name."""
    tool = IPMIPOWER if "ipmipower" in argv0 else IPMI_CONFIG
    if cwd is not None and not os.path.exists(os.path.join(cwd, argv0)):
        pytest.skip(f"{argv0} not found in {cwd}")
    assert ours(tool, args, argv0=argv0) == real(tool, args, argv0=argv0, cwd=cwd)


@pytest.mark.parametrize("args", [["--foo"], ["x"], ["--o"], ["--usage"]])
def test_golden_chassis_wrapper(args: list[str]) -> None:
    """ipmi-chassis-config is a shell script that execs /usr/sbin/ipmi-config."""
    wrapper = require_tool("ipmi-chassis-config")
    proc = subprocess.run([wrapper, *args], capture_output=True, timeout=10, check=False,
                          env=dict(os.environ, LC_ALL="C"))
    assert ours(IPMI_CONFIG, args, argv0="/usr/sbin/ipmi-config") == (proc.returncode, proc.stdout, proc.stderr)


HELP_FMTS = ["rmargin=60", "rmargin=100", "opt-doc-col=20,rmargin=70", "dup-args", "no-dup-args-note",
             "usage-indent=30,rmargin=50", "long-opt-col=12,short-opt-col=4", "bogus", "rmargin",
             "no-bogus,rmargin=65", "rmargin 70", "rmargin=60x", "12", "header-col=3,doc-opt-col=4"]


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
@pytest.mark.parametrize("fmt", HELP_FMTS)
def test_golden_argp_help_fmt(tool: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ARGP_HELP_FMT changes the layout of --usage and of the usage-error hint."""
    env = dict(os.environ, ARGP_HELP_FMT=fmt)
    monkeypatch.setenv("ARGP_HELP_FMT", fmt)
    for args in (["--usage"], ["--bogus"], ["x"]):
        assert ours(tool, args) == real(tool, args, env=env)


# -- golden: the --help layout, with FreeIPMI's own sentences read from the binary ----------------

_OPTION_LINE = re.compile(r"^  (?:-., )?--([^=\[\s]+)|^      --([^=\[\s]+)")


def real_help_sentences(tool: str) -> dict[str, str]:
    """Each option's help sentence, exactly, from a help printed on very long lines."""
    out = real(tool, ["--help"], env=dict(os.environ, ARGP_HELP_FMT="rmargin=2000"))[1].decode()
    helps: dict[str, str] = {}
    lines = out.split("\n")
    for i, line in enumerate(lines):
        m = _OPTION_LINE.match(line)
        if not m:
            continue
        head = re.match(r"^ *(?:-., )?\S+", line)
        assert head is not None
        if head.end() == len(line):          # too wide: the sentence is on the next line
            sentence = lines[i + 1][29:]
        elif head.end() >= 29:               # argp's three-space separator
            sentence = line[head.end() + 3:]
        else:
            sentence = line[29:]
        helps[m.group(1) or m.group(2)] = sentence
    return helps


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
@pytest.mark.parametrize("fmt", [None, "rmargin=60", "rmargin=100", "opt-doc-col=22", "dup-args",
                                 "rmargin=45,no-dup-args-note", "long-opt-col=10"])
def test_golden_help_layout(tool: str, fmt: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    helps = real_help_sentences(tool)
    assert len(helps) > 30
    env = dict(os.environ)
    if fmt is not None:
        env["ARGP_HELP_FMT"] = fmt
        monkeypatch.setenv("ARGP_HELP_FMT", fmt)
    else:
        env.pop("ARGP_HELP_FMT", None)
        monkeypatch.delenv("ARGP_HELP_FMT", raising=False)
    assert ours(tool, ["--help"], options=table(tool, helps)) == real(tool, ["--help"], env=env)
    assert ours(tool, ["-?"], options=table(tool, helps)) == real(tool, ["-?"], env=env)


def test_help_uses_our_sentences_in_argp_layout() -> None:
    text = ArgpParser("prog", [Option("x", "example", "x", "ARG", "Short."),
                               Option("y", "a-rather-long-option-name", None, "VALUE", "Goes below.")],
                      "prog - an example", "prog 1").help_text()
    assert text == (
        "Usage: prog [OPTION...] \n"
        "prog - an example\n"
        "\n"
        "      --a-rather-long-option-name=VALUE\n"
        "                             Goes below.\n"
        "  -x, --example=ARG          Short.\n"
        "  -?, --help                 Give this help list\n"
        "      --usage                Give a short usage message\n"
        "  -V, --version              Print program version\n"
        "\n"
        "Mandatory or optional arguments to long options are also mandatory or optional\n"
        "for any corresponding short options.\n"
        "\n"
        "Report bugs to <freeipmi-devel@gnu.org>.\n")


# -- parsing semantics (our parser alone) ------------------------------------------------------

def collect(args: list[str], tool: str = IPMIPOWER, only: set[str] | None = None) -> list[tuple[str, str | None]]:
    seen: list[tuple[str, str | None]] = []
    parser(tool).parse([tool, *args], lambda key, value: seen.append((key, value)), only=only)
    return seen


def test_in_order_bundling_and_attached_arguments() -> None:
    assert collect(["-PK", "-hHOST", "-uadmin", "-p", "-x", "--on"]) == [
        ("password-prompt", None), ("k-g-prompt", None), ("hostname", "HOST"), ("username", "admin"),
        ("password", "-x"), ("on", None)]
    assert collect(["-Wauthcap", "-nW", "none"]) == [
        ("workaround-flags", "authcap"), ("on", None), ("workaround-flags", "none")]


def test_long_forms() -> None:
    assert collect(["--hostname=", "--hostname", "h", "--host=a=b", "--on", "--on-if", "--conf", "F"]) == [
        ("hostname", ""), ("hostname", "h"), ("hostname", "a=b"), ("on", None), ("on-if-off", None),
        ("config-file", "F")]
    # legacy spellings share their option's key
    assert collect(["--timeout", "5", "--retry-timeout=1", "--auth-type", "md5", "--privilege", "user",
                    "--priv-level=admin", "--ipmi-version", "2.0"]) == [
        ("session-timeout", "5"), ("retransmission-timeout", "1"), ("authentication-type", "md5"),
        ("privilege-level", "user"), ("privilege-level", "admin"), ("ipmi-version", "2.0")]


def test_double_dash_ends_options() -> None:
    assert collect(["--on", "--"]) == [("on", None)]
    with pytest.raises(UsageError) as err:
        collect(["--on", "--", "--off"])
    assert err.value.message == "Too many arguments"


def test_first_pass_only_sees_config_file() -> None:
    assert collect(["-u", "x", "x", "--config", "F", "--", "y"], only={"config-file"}) == [("config-file", "F")]
    with pytest.raises(UsageError) as err:
        collect(["--config-file", "F", "--bogus"], only={"config-file"})
    assert err.value.message == "unrecognized option '--bogus'"
    assert err.value.status == 64


def test_parsing_stops_at_the_error() -> None:
    seen: list[str] = []
    with pytest.raises(UsageError):
        parser(IPMIPOWER).parse(["ipmipower", "-n", "-Px", "-f"], lambda key, value: seen.append(key))
    assert seen == ["on", "password-prompt"]
    seen.clear()
    with pytest.raises(UsageError) as err:
        parser(IPMI_CONFIG).parse(["ipmi-config", "-o", "arg", "-v"], lambda key, value: seen.append(key))
    assert seen == ["checkout"]
    assert err.value.message == ""
    assert err.value.stderr.startswith(b"Usage: ipmi-config [OPTION...] \nTry `ipmi-config --help'")


def test_program_name_persists_between_passes() -> None:
    p = parser(IPMIPOWER)
    p.parse(["ipmipower", "--program-name=/x/y/renamed"], lambda key, value: None, only={"config-file"})
    assert p.name == "renamed"
    assert p.usage_text().startswith("Usage: renamed [-PKBCEnfcrs?V]")
    assert p.try_text() == "Try `renamed --help' or `renamed --usage' for more information.\n"


def test_hang_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    import time
    monkeypatch.setattr(time, "sleep", slept.append)
    collect(["--HANG=2", "--HANG", "--HANG=-1", "--HANG=x"])
    assert slept == [2, 3600]


def test_exits_print_and_carry_their_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    p = parser(IPMIPOWER)
    with pytest.raises(ArgpExit) as exit_:
        p.parse(["ipmipower", "--version"], lambda key, value: None)
    assert exit_.value.code == 0
    out, err = capsysbinary.readouterr()
    assert out == exit_.value.stdout == (version(IPMIPOWER) + "\n").encode()
    assert err == b""
    with pytest.raises(UsageError) as usage:
        p.parse(["ipmipower", "--nope"], lambda key, value: None)
    assert usage.value.code == 64
    assert capsysbinary.readouterr().err == usage.value.stderr


def test_handler_that_does_not_know_a_key() -> None:
    p = ArgpParser("prog", [Option("k", "known", "k"), Option("u", "unknown", "u")], "d", None)

    def handler(key: str, value: str | None) -> bool:
        return key == "k"

    p.parse(["./prog", "-k", "--known"], handler)
    for args, where in ((["-ku"], "-u"), (["--unk"], "--unknown")):
        with pytest.raises(UsageError) as err:
            p.parse(["./prog", *args], handler)
        assert err.value.message == f"{where}: (PROGRAM ERROR) Option should have been recognized!?"
        assert err.value.stderr == (f"prog: {err.value.message}\n"
                                    "Try `prog --help' or `prog --usage' for more information.\n").encode()
    p.parse(["./prog", "-u"], handler, only={"k"})   # the first pass does not ask


def test_option_validation() -> None:
    with pytest.raises(ValueError):
        ArgpParser("p", [Option("k", None, None)], "", None)
    with pytest.raises(ValueError):
        ArgpParser("p", [Option("k", None, "-")], "", None)
    with pytest.raises(ValueError):
        ArgpParser("p", [], "", None, positional_error="other")
    no_version = ArgpParser("p", [Option("k", "kk", "k")], "d", None)
    assert "version" not in no_version.usage_text()
    with pytest.raises(UsageError):
        no_version.parse(["p", "-V"], lambda key, value: None)


def test_group_ordering() -> None:
    """argp sorts by group, then by first letter (lower case first), long-only first."""
    opts = [Option("b", "bravo", "b", group=2), Option("B", "big", "B", group=2), Option("z", "zulu", None, group=1),
            Option("bl", "blong", None, group=2), Option("h", "hidden", "a", hidden=True, group=2),
            Option("n", "neg", "n", group=-2), Option("a", "alpha", None)]   # group 0 follows the previous
    text = ArgpParser("p", opts, "d", None).help_text()
    order = re.findall(r"^ {2}(?:-., )?(?: {4})?--(\S+)", text, re.MULTILINE)
    assert order == ["zulu", "blong", "bravo", "big", "alpha", "neg", "help", "usage"]   # alpha: group -2


# -- glibc's own argp renders random tables (needs a C compiler) ----------------------------------

_HARNESS = r"""
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
const char *argp_program_version = "v 1";
const char *argp_program_bug_address = "<bugs@example.org>";
static error_t parse (int key, char *arg, struct argp_state *state)
{ return key == ARGP_KEY_ARG || key == ARGP_KEY_ARGS ? ARGP_ERR_UNKNOWN : 0; }
int main (int argc, char **argv)
{
  static struct argp_option opts[100];
  static char line[4096];
  char *doc = "";
  int n = 0;
  FILE *f = fopen (getenv ("SPEC"), "r");
  while (fgets (line, sizeof line, f))
    {
      char *p = strdup (line), *fld[6];
      int i;
      p[strcspn (p, "\n")] = 0;
      for (i = 0; i < 6; i++)
        fld[i] = strsep (&p, "\t");
      for (char *c = fld[5]; *c; c++)
        if (*c == '\a') *c = '\n';
      if (!strcmp (fld[0], "DOC")) { doc = fld[5]; continue; }
      opts[n].name = *fld[0] ? fld[0] : NULL;
      opts[n].key = *fld[1] ? fld[1][0] : 1000 + n;
      opts[n].arg = *fld[2] ? fld[2] : NULL;
      opts[n].flags = atoi (fld[3]);
      opts[n].group = atoi (fld[4]);
      opts[n].doc = fld[5];
      n++;
    }
  struct argp a = { opts, parse, "", doc };
  argp_parse (&a, argc, argv, ARGP_IN_ORDER, 0, 0);
  return 0;
}
"""


@pytest.fixture(scope="module")
def glibc_argp(tmp_path_factory: pytest.TempPathFactory) -> str:
    cc = find_tool("cc") or find_tool("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    work = tmp_path_factory.mktemp("argp")
    (work / "h.c").write_text(_HARNESS)
    subprocess.run([cc, "-o", str(work / "h"), str(work / "h.c")], check=True, capture_output=True)
    return str(work / "h")


def _random_table(seed: int) -> tuple[list[Option], str]:
    rng = random.Random(seed)

    def words(low: int, high: int) -> str:
        out = []
        for _ in range(rng.randint(low, high)):
            out.append("".join(rng.choice(string.ascii_letters + ".,()'-") for _ in range(rng.randint(1, 14))))
            out.append(rng.choice([" "] * 20 + ["  ", "\n"]))
        return "".join(out).rstrip(" \n") + rng.choice(["", "", " "])

    used: set[str] = set()
    options = []
    for i in range(rng.randint(1, 25)):
        long = None
        if rng.random() < 0.85:
            long = "-".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
                            for _ in range(rng.randint(1, 3)))
            long = None if long in used or long in ("help", "usage", "version") else long
        free = [c for c in string.ascii_letters + string.digits if c not in used and c != "V"]
        short = rng.choice(free) if long is None or rng.random() < 0.5 else None
        used.update(x for x in (long, short) if x)
        if long is None and short is None:
            continue
        arg = rng.choice([None, None, "X", "NUM", "MILLISECONDS", "A-LONG-METAVARIABLE"])
        options.append(Option(f"k{i}", long, short, arg, words(0, 25), rng.random() < 0.1,
                              rng.choice([0, 0, rng.randint(1, 30), -1]),
                              arg is not None and long is not None and rng.random() < 0.1))
    return options, words(0, 40)


@pytest.mark.parametrize("seed", range(25))
def test_layout_matches_glibc_argp(glibc_argp: str, seed: int, tmp_path: os.PathLike[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    options, doc = _random_table(seed)
    spec = os.path.join(tmp_path, "spec")
    _write_spec(spec, options, doc)
    fmt = ["", "rmargin=60", "opt-doc-col=24", "usage-indent=20,rmargin=70"][seed % 4]
    monkeypatch.setenv("ARGP_HELP_FMT", fmt)
    for args in (["--help"], ["--usage"], ["--nope"], ["extra"]):
        proc = subprocess.run(["h", *args], executable=glibc_argp, capture_output=True, timeout=10, check=False,
                              env=dict(os.environ, SPEC=spec, ARGP_HELP_FMT=fmt))
        p = ArgpParser("h", options, doc, "v 1", bug_address="<bugs@example.org>")
        with pytest.raises(ArgpExit) as exc:
            p.parse(["h", *args], lambda key, value: None)
        assert (exc.value.status, exc.value.stdout, exc.value.stderr) == (
            proc.returncode, proc.stdout, proc.stderr), args


def _write_spec(path: str, options: list[Option], doc: str) -> None:
    with open(path, "w") as f:
        f.write("DOC\t\t\t\t\t" + doc.replace("\n", "\a") + "\n")
        for o in options:
            flags = (2 if o.hidden else 0) | (1 if o.arg_optional else 0)
            f.write(f"{o.long or ''}\t{o.short or ''}\t{o.arg or ''}\t{flags}\t{o.group}\t"
                    f"{o.help.replace(chr(10), chr(7))}\n")


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
def test_our_tables_match_glibc_argp(glibc_argp: str, tool: str, tmp_path: os.PathLike[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own help sentences, laid out by glibc's argp and by ours."""
    monkeypatch.delenv("ARGP_HELP_FMT", raising=False)
    spec = os.path.join(tmp_path, "spec")
    _write_spec(spec, table(tool), _DOC[tool])
    for args in (["--help"], ["--usage"]):
        proc = subprocess.run([tool, *args], executable=glibc_argp, capture_output=True, timeout=10, check=False,
                              env={k: v for k, v in os.environ.items() if k != "ARGP_HELP_FMT"} | {"SPEC": spec})
        p = ArgpParser(tool, table(tool), _DOC[tool], "v 1", bug_address="<bugs@example.org>")
        with pytest.raises(ArgpExit) as exc:
            p.parse([tool, *args], lambda key, value: None)
        assert exc.value.stdout == proc.stdout
