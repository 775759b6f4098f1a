"""freeipmi.conf reading (pyipmi_tools.cli.conffile) against FreeIPMI 1.6.10.

Golden tests run the real ``ipmipower`` / ``ipmi-config`` with ``--config-file`` on a
temporary file and compare what they print (stderr, exit status 1) with our
``ConfigFileError``.  The command line after the file makes the real tool stop right
after parsing (``retransmission timeout larger than session timeout``) when the file
is accepted, so no packet is ever sent.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pyipmi_tools.cli import conffile
from pyipmi_tools.cli.conffile import (
    ConfigFileError,
    Line,
    logical_lines,
    lookup,
    options,
    parse_bool,
    parse_c_long,
    parse_config_bytes,
    parse_kg,
    read_config,
    split_args,
)
from tests.support.tools import require_tool

TOOLS = ("ipmipower", "ipmi-config")

# Stop right after option parsing: the command line always wins over the file.
_STOP = ["-h", "127.0.0.1:1", "--session-timeout", "200", "--retransmission-timeout", "300"]
_ARGS = {"ipmipower": _STOP + ["--stat"], "ipmi-config": _STOP + ["--checkout"]}


def run_real(tool: str, data: bytes, tmp_path: Path, extra: list[str] | None = None) -> tuple[int, bytes, bytes]:
    exe = require_tool(tool)
    conf = tmp_path / "freeipmi.conf"
    conf.write_bytes(data)
    proc = subprocess.run([exe, "--config-file", str(conf)] + (extra if extra is not None else _ARGS[tool]),
                          check=False, capture_output=True, timeout=30)
    return proc.returncode, proc.stdout, proc.stderr


def real_error(tool: str, data: bytes, tmp_path: Path) -> bytes | None:
    """The real tool's config-file error output, or None if it accepted the file."""
    rc, out, err = run_real(tool, data, tmp_path)
    if err.startswith(b"Config File Error"):
        assert (rc, out) == (1, b"")
        return err
    assert b"Config File Error" not in err
    return None


def our_error(tool: str, data: bytes) -> bytes | None:
    try:
        parse_config_bytes(data, tool)
    except ConfigFileError as exc:
        assert exc.exit_status == 1
        return exc.output
    return None


def assert_same(tool: str, data: bytes, tmp_path: Path) -> bytes | None:
    ours = our_error(tool, data)
    assert ours == real_error(tool, data, tmp_path), data
    return ours


# -- golden: messages ---------------------------------------------------------------------

_W64 = b" ".join([b"authcap"] * 64)

GOLDEN_BOTH = [
    # unknown names, case-insensitivity, names as written
    b"bogus x\n", b"BOGUS\n", b"quiet-cache yes\n", b"sdr-cache-directory /tmp\n", b"\xc3\xa9 a\n",
    b'"username" a\n', b"user\\#name a\n", b"user\x00name a\n", b"bogus\\x\n", b"bogus \"abc\n",
    # listed too many times: aliases share counters, the name shown is the second one as written
    b"username a\nusername b\n", b"username a\nUSERNAME b\n", b"timeout 5\nSession-Timeout 5\n",
    b"retry-timeout 5\nretransmission-timeout 5\n", b"cipher_suite_id 3\ncipher-suite-id 3\n",
    b"privilege user\nprivilege-level user\n", b"username a\nusername\n", b"username a\nusername b c\n",
    b"buffer-output yes\nbuffer-output no\n", b"k_g \"\"\nk_g x\n", b"username a\nipmi-config-username b\n",
    # argument count and syntax
    b"username\n", b"username a b\n", b"username \"a b\"\n", b"username \"abc\n", b"username a\"b c\"d\n",
    b"username a\\#b\n", b"username a\\xb\n", b"username \\\"\n", b"username foo # c\n", b"username \"#\"\n",
    b"username \"\" \n", b"username " + b" ".join([b"a"] * 70) + b"\n",
    b"workaround-flags " + _W64 + b"\n", b"workaround-flags " + _W64 + b" authcap\n",
    b"workaround-flags " + _W64 + b" \"abc\n",
    # integers: strtol base 0, whole string, stored in a C int
    b"session-timeout abc\n", b"session-timeout 0x10\n", b"session-timeout 010\n", b"session-timeout 08\n",
    b"session-timeout \" 5\"\n", b"session-timeout \"5 \"\n", b"session-timeout \"\"\n", b"session-timeout -1\n",
    b"session-timeout 0\n", b"session-timeout 4294967297\n", b"session-timeout 4294967296\n",
    b"session-timeout 2147483648\n", b"session-timeout 99999999999999999999\n", b"session-timeout +5\n",
    b"session-timeout 0x\n", b"session-timeout 1e3\n", b"timeout 0\n", b"retry-timeout 0\n",
    b"retransmission-timeout -5\n", b"fanout 0\n", b"fanout 1\n", b"fanout 1024\n", b"fanout 1025\n",
    # booleans
    b"buffer-output yes\n", b"buffer-output YES\n", b"buffer-output 01\n", b"buffer-output \"\"\n",
    b"buffer-output 2\n", b"buffer-output Enable\n", b"eliminate T\n", b"always-prefix disable\n",
    # lengths
    b"username 0123456789abcdef\n", b"username 0123456789abcdefg\n", b"USERNAME 0123456789abcdefg\n",
    b"password 012345678901234567890\n", b"Password 012345678901234567890\n",
    b"k_g 01234567890123456789\n", b"k_g 012345678901234567890\n",
    b"k_g 0x0123456789abcdef0123456789abcdef01234567\n", b"k_g 0x0123456789abcdef0123456789abcdef012345678\n",
    b"k_g 0xZZ\n", b"k_g 0x\n", b"k_g \"\"\n", b"k_g 0X12\n", b"k_g 0x1\n",
    # enumerations
    b"authentication-type plain\n", b"authentication-type MD2\n", b"authentication-type bogus\n",
    b"AUTHENTICATION-TYPE bogus\n", b"authentication-type \"\"\n",
    b"cipher-suite-id -1\n", b"cipher-suite-id 20\n", b"cipher-suite-id x\n", b"cipher_suite_id 4\n",
    b"privilege-level administrator\n", b"privilege-level callback\n", b"privilege bogus\n",
    b"driver-type LANPLUS\n", b"driver-type kcs\n", b"driver-type open\n", b"driver-type lan_2\n",
    b"driver-type \"\"\n",
    # workaround flags: comma lists per entry, none rejected, empty entries skipped
    b"workaround-flags none\n", b"workaround-flags authcap,idzero\n", b"workaround-flags authcap idzero\n",
    b"workaround-flags authcap,none\n", b"workaround-flags none,authcap\n", b"workaround-flags authcap none\n",
    b"workaround-flags \"\"\n", b"workaround-flags ,\n", b"workaround-flags bogus\n",
    b"workaround-flags AUTHCAP\n", b"workaround-flags spinpoll\n", b"workaround-flags \" authcap\"\n",
    # options of other tools and ipmiseld's hostname: accepted, never parsed
    b"hostname \"abc\n", b"hostname\n", b"hostname a b c\n", b"hostname a\\xb\n", b"verbose-count -1\n",
    b"utc-offset 99999999\n", b"ipmiconsole-escape-char a\nipmiconsole-escape-char b\n",
    b"hostname " + b" ".join([b"a"] * 70) + b"\n",
    # comments, blank lines, continuation and line numbers
    b"\n\n  # comment\nbogus\n", b"\n\nbogus \\\n  x\n", b"username \\\nfoo\nbogus\n",
    b"username \\\n\nbogus\n", b"username a \\\n#c\n\nbogus\n", b"username foo\\\\\nbogus\n",
    b"username foo\\\\\\\nbar\nbogus\n", b"username \"a\\\"b\"\nbogus\n", b"username a\\\\#b\nbogus\n",
    b"  username   foo  \t \nbogus\n", b"username\tfoo\nbogus\n", b"username foo\r\nbogus\r\n", b"bogus",
    b"username a\x00b\nbogus\n", b"#comment \\\nbogus\n", b"username x # comment \\\nbogus\n",
    b"username a \\ # comment\nb\n", b"username\x0ba\nbogus\n", b"username \xa0a\nbogus\n",
    b"\\\n\nbogus\n", b"\\\nbogus\n", b"username a\\", b"\x00\n",
    # the never-cleared line buffer: a last line without newline reads leftovers
    b"username abcdefgh\nfanout 5", b"username abcdefgh\nfanout 5 ", b"username abcdefgh\nfanout 5#",
    b"bmc-config-verbose-count\t1.5\nprivilege-level  0x10",
    b"password\t3\nipmi-chassis-config-privilege-level \\\n20  authcap\r\nsession-timeout",
    # length limits
    b"ipmipower-oem-power-type " + b"x" * 1022 + b"\n", b"ipmipower-oem-power-type " + b"x" * 1023 + b"\n",
    b"ipmipower-oem-power-type \"" + b"x" * 1022 + b"\"\n", b"u" * 254 + b" a\n", b"u" * 255 + b" a\n",
    b"hostname " + b"x" * 32766 + b"\n", b"hostname " + b"x" * 32767 + b"\n", b"hostname " + b"x" * 32768,
    b"hostname " + b"x" * 20000 + b" \\\n" + b"y" * 12000 + b"\n",
    b"hostname " + b"x" * 20000 + b" \\\n" + b"y" * 13000 + b"\n", b"# " + b"x" * 40000 + b"\n",
    b"\n\nhostname " + b"x" * 16000 + b"\\\n" + b"y" * 16768 + b"\n",
]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("data", GOLDEN_BOTH, ids=lambda d: repr(d[:40]))
def test_golden_messages(tool: str, data: bytes, tmp_path: Path) -> None:
    assert_same(tool, data, tmp_path)


GOLDEN_IPMIPOWER = [
    b"ipmipower-username 0123456789abcdefg\n", b"ipmipower-k_g 0xZZ\n", b"ipmipower-authentication-type bogus\n",
    b"ipmipower-cipher-suite-id 4\n", b"ipmipower-cipher-suite-id 20\n", b"ipmipower-privilege-level bogus\n",
    b"ipmipower-workaround-flags none\n", b"ipmipower-workaround-flags " + _W64 + b" authcap\n",
    b"ipmi-version 1.5\n", b"ipmi-version 2.0\n", b"ipmi-version 3\n", b"ipmi-version 2\n",
    b"driver-type lan\nipmi-version 2.0\n", b"ipmi-version 2.0\ndriver-type lan\n",
    b"ipmipower-retransmission-wait-timeout 0\n", b"retry-wait-timeout -1\n",
    b"ipmipower-retransmission-backoff-count 0\n", b"ipmipower-ping-interval 0\n", b"ipmipower-ping-interval -1\n",
    b"ping-timeout -1\n", b"ping-packet-count -1\n", b"ping-percent 101\n", b"ping-percent -1\n",
    b"ping-consec-count 4294967295\n", b"ipmipower-oem-power-type bogus\n", b"on-if-off maybe\n",
    b"on-if-off yes\nipmipower-on-if-off no\n", b"retry-wait-timeout 5\nipmipower-retransmission-wait-timeout 6\n",
    b"ipmipower-username a\nipmipower-username b\n",
    # a tool-prefixed option makes the general one skip even its checks; not the other way
    b"ipmipower-username a\nusername 0123456789abcdefghij\n", b"username 0123456789abcdefghij\nipmipower-username a\n",
    b"ipmipower-k_g a\nk_g 0xZZ\n", b"ipmipower-cipher-suite-id 3\ncipher-suite-id 4\n",
    b"ipmipower-workaround-flags authcap\nworkaround-flags none\n",
    b"ipmipower-workaround-flags \"\"\nworkaround-flags none\n",
    b"ipmipower-workaround-flags authcap\nworkaround-flags " + _W64 + b" x\n",
    b"ipmipower-privilege-level user\nprivilege-level bogus\n",
    b"ipmipower-authentication-type md5\nauthentication-type bogus\n",
    b"ipmipower-password a\npassword 0123456789012345678901\n",
    # ipmi-config's options are somebody else's here
    b"ipmi-config-username 0123456789abcdefg\nipmi-config-username x\n", b"disable-auto-probe maybe\n",
    b"driver-address 0\n",
] + [b"cipher-suite-id %d\n" % n for n in range(21)]


@pytest.mark.parametrize("data", GOLDEN_IPMIPOWER, ids=lambda d: repr(d[:40]))
def test_golden_ipmipower(data: bytes, tmp_path: Path) -> None:
    assert_same("ipmipower", data, tmp_path)


GOLDEN_IPMI_CONFIG = [
    b"ipmi-config-verbose-count -1\n", b"ipmi-config-verbose-count 0\n", b"bmc-config-username 0123456789abcdefg\n",
    b"ipmi-config-cipher-suite-id 4\n", b"ipmi-chassis-config-k_g 0xZZ\n", b"pef-config-privilege-level x\n",
    b"ipmi-config-workaround-flags " + _W64 + b" authcap\n", b"ipmi-sensors-config-workaround-flags none\n",
    b"ipmi-config-username a\nbmc-config-username b\n", b"pef-config-verbose-count 1\nipmi-pef-config-verbose-count 1\n",
    b"ipmi-sensors-config-password a\nipmi-chassis-config-password b\n",
    b"ipmi-chassis-config-username a\nusername 0123456789abcdefghij\n",
    b"target-channel-number -1\n", b"target-channel-number 16\n", b"target-channel-number 256\n",
    b"target-slave-address 256\n", b"target-slave-address -1\n", b"register-spacing 0\n", b"register-spacing 256\n",
    b"driver-address 0\n", b"driver-address 65536\n", b"disable-auto-probe yes\n", b"disable-auto-probe maybe\n",
    b"driver-device /dev/null\n", b"driver-device a b\n",
    # ipmipower's options are somebody else's here
    b"ipmi-version 3\n", b"ipmi-version 2.0\ndriver-type lan\n", b"on-if-off maybe\n", b"ping-timeout -1\n",
    b"ipmipower-username 0123456789abcdefg\n",
]


@pytest.mark.parametrize("data", GOLDEN_IPMI_CONFIG, ids=lambda d: repr(d[:40]))
def test_golden_ipmi_config(data: bytes, tmp_path: Path) -> None:
    assert_same("ipmi-config", data, tmp_path)


# -- golden: the registry -----------------------------------------------------------------

@pytest.mark.parametrize("tool", TOOLS)
def test_golden_ignored_options_are_never_parsed(tool: str, tmp_path: Path) -> None:
    lines = [f'{name} "unbalanced \\x\n{name.upper()}\n'.encode()
             for name, spec in options(tool).items() if not spec.active]
    data = b"".join(lines)
    assert assert_same(tool, data, tmp_path) is None


@pytest.mark.parametrize("tool", TOOLS)
def test_golden_active_options_need_an_argument(tool: str, tmp_path: Path) -> None:
    for name, spec in options(tool).items():
        if spec.active:
            err = assert_same(tool, name.encode() + b"\n", tmp_path)
            assert err == f'Config File Error: missing argument for option "{name}" on line 1\n'.encode()


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("name", ["groups", "ipmiseld-hostname", "ipmi-config-driver-type", "config-file",
                                  "ipmipower-session-timeout", "escape", "ipmi-sel-output-event-state",
                                  "bmc-watchdog-username", "ipmi-seld-username", "ipmipower-ipmi-version",
                                  "sensor-config-file", "legacy-output", "quiet-readings", "verbose", "k-g"])
def test_golden_unknown_names(tool: str, name: str, tmp_path: Path) -> None:
    assert lookup(tool, name) is None
    err = assert_same(tool, name.encode() + b" x\n", tmp_path)
    assert err == f'Config File Error: unknown configuration option "{name}" on line 1\n'.encode()


_VALID = {"username": b"u", "password": b"p", "k_g": b"k", "authentication-type": b"md5", "cipher-suite-id": b"3",
          "privilege-level": b"admin", "driver-type": b"lan", "oem-power-type": b"none",
          "workaround-flags": b"authcap", "driver-device": b"/dev/null", "target-slave-address": b"0x20"}


def _valid_line(name: str, tool: str) -> bytes:
    spec = options(tool)[name]
    if name == "ipmi-version":
        return b"ipmi-version 2.0\n"
    value = _VALID.get(spec.key or "", b"yes" if spec.kind == "bool" else b"5")
    return name.encode() + b" " + value + b"\n"


@pytest.mark.parametrize("tool", TOOLS)
def test_golden_shared_counters(tool: str, tmp_path: Path) -> None:
    groups: dict[str, list[str]] = {}
    for name, spec in options(tool).items():
        if spec.active and spec.counter is not None:
            groups.setdefault(spec.counter, []).append(name)
    # One line per counter: every option valid, nothing listed twice.
    first = b"".join(_valid_line(names[0], tool) for names in groups.values())
    assert assert_same(tool, first, tmp_path) is None
    # Any two names of one counter clash; the message names the second as written.
    for names in groups.values():
        for a, b in itertools.combinations(names, 2):
            err = assert_same(tool, _valid_line(a, tool) + _valid_line(b, tool), tmp_path)
            assert err == f'Config File Error: configuration option "{b}" listed too many times\n'.encode()


def test_registry_shape() -> None:
    power, config = options("ipmipower"), options("ipmi-config")
    assert set(power) == set(config) and len(power) == 308
    assert {n for n, s in power.items() if s.active} >= {"username", "ipmipower-username", "on-if-off",
                                                           "ipmi-version", "retry-backoff-count"}
    assert not config["ipmipower-username"].active and not power["ipmi-config-username"].active
    assert not power["disable-auto-probe"].active and config["disable-auto-probe"].active
    assert not power["utc-offset"].active and not config["utc-offset"].active
    assert power["hostname"].group == "ipmiseld" and not power["hostname"].active
    assert config["pef-config-username"].counter == config["ipmi-config-username"].counter
    assert config["pef-config-username"].key == "username"
    assert power["username"].counter != power["ipmipower-username"].counter
    assert power["ipmi-version"].counter == power["driver-type"].counter
    assert lookup("ipmipower", b"IPMIPower-On-If-Off") is power["ipmipower-on-if-off"]
    assert power["workaround-flags"].kind == "list" and power["session-timeout"].kind == "int"
    assert "ignored" in repr(power["hostname"]) and "active" in repr(power["username"])
    with pytest.raises(ValueError):
        options("ipmi-sel")


# -- golden: values that reach the tool ---------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (b"4294967297", b"retransmission timeout larger than session timeout\n"),   # wraps to 1
    (b"0x3", b"retransmission wait timeout larger than session timeout\n"),
])
def test_golden_session_timeout_value(value: bytes, expected: bytes, tmp_path: Path) -> None:
    data = b"session-timeout " + value + b"\n"
    rc, out, err = run_real("ipmipower", data, tmp_path,
                            ["-h", "127.0.0.1:1", "--stat", "--retransmission-timeout", "2"])
    assert (rc, out, err) == (1, b"", expected)
    assert parse_config_bytes(data, "ipmipower")["session-timeout"] == parse_c_long(value) & 0xFFFFFFFF


def test_golden_buffer_output_means_consolidate(tmp_path: Path) -> None:
    """1.6.10 stores the file's buffer-output in consolidate_output: ipmipower prints -C blocks."""
    extra = ["-h", "127.0.0.1:1,127.0.0.2:1", "--stat", "--session-timeout", "600",
             "--retransmission-timeout", "100"]
    _, out, _ = run_real("ipmipower", b"buffer-output yes\n", tmp_path, extra)
    assert out == b"----------------\n127.0.0.[1-2]\n----------------\n connection timeout\n"
    values = parse_config_bytes(b"buffer-output yes\n", "ipmipower")
    assert values == {"consolidate-output": True}
    assert parse_config_bytes(b"buffer-output yes\nconsolidate-output no\n", "ipmi-config") == {
        "consolidate-output": False}
    assert parse_config_bytes(b"consolidate-output no\nbuffer-output yes\n", "ipmi-config") == {
        "consolidate-output": True}


def test_golden_buffer_output_clashes_with_B_in_ipmi_config(tmp_path: Path) -> None:
    extra = ["-h", "a", "-B", "--checkout"]
    rc, _, err = run_real("ipmi-config", b"buffer-output yes\n", tmp_path, extra)
    assert (rc, err) == (1, b"cannot buffer and consolidate hostrange output, please select only one\n")
    _, _, err = run_real("ipmi-config", b"buffer-output yes\nconsolidate-output no\n", tmp_path, extra)
    assert b"cannot buffer" not in err


@pytest.mark.parametrize("tool", TOOLS)
def test_golden_file_errors(tool: str, tmp_path: Path) -> None:
    exe = require_tool(tool)
    for path, message in [(str(tmp_path / "missing.conf"), b"configuration file does not exist"),
                          ("", b"configuration file does not exist"),
                          (str(tmp_path), b"configuration file read error")]:
        proc = subprocess.run([exe, "--config-file", path] + _ARGS[tool], check=False, capture_output=True,
                              timeout=30)
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, b"", b"Config File Error: " + message + b"\n")
        with pytest.raises(ConfigFileError) as info:
            read_config(path, tool)
        assert info.value.output == proc.stderr


# -- golden: random files -----------------------------------------------------------------

_FUZZ_VALUES = [b"yes", b"no", b"0", b"1", b"5", b"-1", b"0x10", b"010", b"08", b"", b'""', b'"a b"', b"abc",
                b"md5", b"admin", b"lan", b"2.0", b"authcap", b"authcap,idzero", b"none", b"\\#", b'\\"', b"\\\\",
                b"a\\x", b'"abc', b"#c", b"\\", b"x" * 30, b"0123456789abcdefghij0", b"3", b"4", b"1025",
                b"4294967297", b"enable", b"T", b"\t", b'a"b c"d', b"0xZZ", b"0x", b"1.5", b"kcs", b"plain"]
_FUZZ_SEPS = [b" ", b"  ", b"\t", b" \\\n", b"\\\n", b" \\ # c\n "]


def _fuzz_file(rnd: random.Random, tool: str) -> bytes:
    names = list(options(tool)) + ["bogus", "User", "USERNAME", "Session-Timeout", "k_G"]
    active = [n for n, s in options(tool).items() if s.active]
    lines = []
    for _ in range(rnd.randint(1, 6)):
        r = rnd.random()
        if r < 0.08:
            lines.append(b"")
            continue
        if r < 0.14:
            lines.append(rnd.choice([b"# comment", b"   # x \\", b"  ", b"\\", b"\t#", b"\r"]))
            continue
        name = rnd.choice(active if rnd.random() < 0.6 else names).encode()
        parts = [name.upper() if rnd.random() < 0.1 else name]
        for _ in range(rnd.choice([0, 1, 1, 1, 1, 2, 3])):
            parts += [rnd.choice(_FUZZ_SEPS), rnd.choice(_FUZZ_VALUES)]
        line = b"".join(parts)
        if rnd.random() < 0.1:
            line += rnd.choice([b" # trailing", b" \\", b"\r", b"  "])
        lines.append(line)
    return b"\n".join(lines) + (b"\n" if rnd.random() < 0.8 else b"")


@pytest.mark.parametrize("tool", TOOLS)
def test_golden_random_files(tool: str, tmp_path: Path) -> None:
    rnd = random.Random(f"conffile-{tool}")
    for _ in range(150):
        assert_same(tool, _fuzz_file(rnd, tool), tmp_path)


@pytest.mark.parametrize("tool", TOOLS)
def test_golden_random_escapes(tool: str, tmp_path: Path) -> None:
    """Backslashes, ``#``, quotes and continuations mixed at random."""
    rnd = random.Random(f"escapes-{tool}")
    alphabet = [b"a", b"\\", b"#", b'"', b" ", b"\n", b"\\\n", b"\t", b"b"]
    for _ in range(150):
        body = b"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 14)))
        head = rnd.choice([b"username ", b"ipmipower-oem-power-type ", b"hostname ", b"", b"fanout "])
        tail = rnd.choice([b"\n", b"", b"\nbogus\n", b"\nusername x"])
        assert_same(tool, head + body + tail, tmp_path)


# -- values -------------------------------------------------------------------------------

def test_values_ipmipower() -> None:
    values = parse_config_bytes(
        b"username foo\nipmipower-username bar\npassword pw\nk_g 0x0102\ncipher-suite-id 17\nprivilege admin\n"
        b"workaround-flags authcap,ipmiping spinpoll\nfanout 8\non-if-off yes\nipmi-version 1.5\n"
        b"ping-percent 101\nipmipower-oem-power-type C410X\ntimeout 4294967297\nretry-timeout 0x20\n"
        b"authentication-type PLAIN\nipmipower-wait-until-off 0\nhostname ignored\n", "ipmipower")
    flags = values.pop("workaround-flags")
    assert set(flags.flags) == {"authcap", "ipmiping", "solchannelassumelanchannel", "spinpoll"}  # type: ignore[attr-defined]
    assert values == {
        "username": b"bar", "password": b"pw", "k_g": b"\x01\x02", "cipher-suite-id": 17, "privilege-level": "admin",
        "fanout": 8, "on-if-off": True, "driver-type": "lan", "ping-percent": 101, "oem-power-type": "C410X",
        "session-timeout": 1, "retransmission-timeout": 32, "authentication-type": "straight_password_key",
        "wait-until-off": False}
    assert values.path is None


def test_values_ipmi_config() -> None:
    values = parse_config_bytes(
        b"bmc-config-username x\nusername y\nipmi-chassis-config-verbose-count 2\ndriver-type open\n"
        b"target-slave-address 0x20\ndisable-auto-probe on\ndriver-device /dev/ipmi0\nregister-spacing 4\n"
        b"driver-address 0xca2\ntarget-channel-number 7\nipmipower-username ignored\n", "ipmi-config")
    assert values == {"username": b"x", "verbose-count": 2, "driver-type": "openipmi", "target-slave-address": 32,
                      "disable-auto-probe": True, "driver-device": "/dev/ipmi0", "register-spacing": 4,
                      "driver-address": 0xCA2, "target-channel-number": 7}


def test_tool_option_overrides_general_in_any_order() -> None:
    for data in (b"privilege-level user\nipmipower-privilege-level admin\n",
                 b"ipmipower-privilege-level admin\nprivilege-level user\n"):
        assert parse_config_bytes(data, "ipmipower") == {"privilege-level": "admin"}
    assert parse_config_bytes(b"pef-config-cipher-suite-id 0\ncipher-suite-id 3\n", "ipmi-config") == {
        "cipher-suite-id": 0}


def test_k_g_buffer_semantics() -> None:
    def k_g(data: bytes) -> bytes:
        return parse_config_bytes(data, "ipmipower")["k_g"]  # type: ignore[return-value]
    assert k_g(b"k_g abc\n") == b"abc"
    assert k_g(b'k_g ""\n') == b""
    assert k_g(b"k_g 0x\n") == b""
    assert k_g(b'k_g abc\nipmipower-k_g ""\n') == b"\0\0\0"     # zeroed, length kept: no key later
    assert k_g(b"k_g abcdef\nipmipower-k_g 0x01\n") == b"\x01"
    assert k_g(b"ipmipower-k_g abc\nk_g 0xZZ\n") == b"abc"


def test_workaround_flags_edge_cases() -> None:
    def flags(data: bytes) -> object:
        return parse_config_bytes(data, "ipmipower").get("workaround-flags")
    assert flags(b'workaround-flags ""\n') is None                # nothing named: not set at all
    cleared = flags(b'workaround-flags authcap\nipmipower-workaround-flags ""\n')
    assert cleared is not None and not cleared                     # set, but emptied by the tool option
    assert set(flags(b'ipmipower-workaround-flags ""\nworkaround-flags idzero\n').flags) == {"idzero"}  # type: ignore[attr-defined]
    with pytest.raises(ConfigFileError, match="^Config File Error: invalid value for workaround-flags$"):
        parse_config_bytes(b"workaround-flags " + _W64 + b" authcap\n", "ipmipower")


# -- default lookup -----------------------------------------------------------------------

@pytest.fixture
def etc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the three default file names into a temporary directory."""
    monkeypatch.setattr(conffile, "IPMIPOWER_LEGACY_CONFIG_FILE", str(tmp_path / "ipmipower.conf"))
    monkeypatch.setattr(conffile, "LEGACY_CONFIG_FILE", str(tmp_path / "freeipmi.conf"))
    monkeypatch.setattr(conffile, "DEFAULT_CONFIG_FILE", str(tmp_path / "freeipmi" / "freeipmi.conf"))
    (tmp_path / "freeipmi").mkdir()
    return tmp_path


def test_lookup_nothing_there(etc: Path) -> None:
    for tool in TOOLS:
        values = read_config(None, tool)
        assert values == {} and values.path is None


def test_lookup_default_only(etc: Path) -> None:
    (etc / "freeipmi" / "freeipmi.conf").write_bytes(b"fanout 3\n")
    values = read_config(None, "ipmipower")
    assert values == {"fanout": 3} and values.path == conffile.DEFAULT_CONFIG_FILE
    (etc / "freeipmi" / "freeipmi.conf").write_bytes(b"fanout 3\nbogus\n")
    with pytest.raises(ConfigFileError, match='unknown configuration option "bogus" on line 2'):
        read_config(None, "ipmi-config")


def test_lookup_ipmipower_conf_wins_and_is_strict(etc: Path) -> None:
    (etc / "freeipmi" / "freeipmi.conf").write_bytes(b"bogus3\n")
    (etc / "freeipmi.conf").write_bytes(b"bogus2\n")
    (etc / "ipmipower.conf").write_bytes(b"session-timeout 100\n")
    values = read_config(None, "ipmipower")
    assert values == {"session-timeout": 100} and values.path == conffile.IPMIPOWER_LEGACY_CONFIG_FILE
    (etc / "ipmipower.conf").write_bytes(b"session-timeout 100\nbogus1\n")
    with pytest.raises(ConfigFileError, match='"bogus1" on line 2'):
        read_config(None, "ipmipower")
    # ipmi-config never looks at it.
    with pytest.raises(ConfigFileError, match='"bogus3"'):
        read_config(None, "ipmi-config")


def test_lookup_ipmipower_conf_directory_is_a_read_error(etc: Path) -> None:
    (etc / "ipmipower.conf").mkdir()
    with pytest.raises(ConfigFileError, match="^Config File Error: configuration file read error$"):
        read_config(None, "ipmipower")


def test_lookup_legacy_file(etc: Path) -> None:
    default = etc / "freeipmi" / "freeipmi.conf"
    legacy = etc / "freeipmi.conf"
    default.write_bytes(b"bogus3\n")
    legacy.write_bytes(b"username a\n")
    values = read_config(None, "ipmi-config")                    # a good legacy file: default unread
    assert values == {"username": b"a"} and values.path == conffile.LEGACY_CONFIG_FILE
    legacy.write_bytes(b"username a\nusername b\n")              # a syntax error: quietly skipped
    with pytest.raises(ConfigFileError, match='"bogus3"'):
        read_config(None, "ipmipower")
    legacy.write_bytes(b"session-timeout 100\nbogus\n")          # ... but its values stay
    default.write_bytes(b"fanout 2\nusername b\n")
    values = read_config(None, "ipmipower")
    assert values == {"session-timeout": 100, "fanout": 2, "username": b"b"}
    assert values.path == conffile.DEFAULT_CONFIG_FILE
    legacy.write_bytes(b"username 0123456789abcdefg\n")          # a value error is fatal
    with pytest.raises(ConfigFileError, match="^Config File Error: username value too long$"):
        read_config(None, "ipmipower")
    legacy.unlink()
    legacy.mkdir()                                               # unreadable: skipped too
    assert read_config(None, "ipmipower") == {"fanout": 2, "username": b"b"}


def test_config_file_option(etc: Path, tmp_path: Path) -> None:
    (etc / "ipmipower.conf").write_bytes(b"bogus1\n")
    (etc / "freeipmi.conf").write_bytes(b"bogus2\n")
    mine = tmp_path / "mine.conf"
    mine.write_bytes(b"fanout 4\n")
    values = read_config(str(mine), "ipmipower")
    assert values == {"fanout": 4} and values.path == str(mine)
    with pytest.raises(ConfigFileError, match="^Config File Error: configuration file does not exist$"):
        read_config(str(tmp_path / "nope.conf"), "ipmipower")
    # The compiled-in default name itself may be missing, even when given explicitly.
    values = read_config(conffile.DEFAULT_CONFIG_FILE, "ipmipower")
    assert values == {} and values.path is None


def test_real_default_name() -> None:
    assert conffile.DEFAULT_CONFIG_FILE == "/etc/freeipmi//freeipmi.conf"
    assert conffile.LEGACY_CONFIG_FILE == "/etc/freeipmi.conf"
    assert conffile.IPMIPOWER_LEGACY_CONFIG_FILE == "/etc/ipmipower.conf"


# -- tokenizer and parsers ----------------------------------------------------------------

def test_logical_lines() -> None:
    data = (b"\n# c\n  username  foo \\\n bar # x\nk_g \"a#b\"\\\n\n"
            b"opt a\\\\\\\nb\nlast\\\n")
    assert list(logical_lines(data)) == [Line(3, b"username", b"  foo  bar"), Line(5, b"k_g", b' "a'),
                                         Line(7, b"opt", b" a\\\\b"), Line(9, b"last", b"")]
    assert list(logical_lines(b"")) == []
    assert list(logical_lines(b"  \n\t\n# only\n")) == []
    assert list(logical_lines(b"a\r\nb\x00c\n")) == [Line(1, b"a", b""), Line(2, b"b", b"")]
    # The stale buffer after a last line without newline.
    assert list(logical_lines(b"username abcdefgh\nfanout 5")) == [
        Line(1, b"username", b" abcdefgh"), Line(2, b"fanout", b" 5 abcdefgh")]
    assert repr(Line(1, b"a", b"")) == "Line(1, b'a', b'')"


def test_logical_line_limits() -> None:
    with pytest.raises(ConfigFileError, match="^Config File Error: overflow line length on line 2$"):
        list(logical_lines(b"\nx " + b"y" * 32774 + b"\n"))
    assert len(list(logical_lines(b"x " + b"y" * 32773 + b"\n"))) == 1
    with pytest.raises(ConfigFileError, match="overflow option name length on line 1"):
        list(logical_lines(b"n" * 255))
    assert next(logical_lines(b"n" * 254)).name == b"n" * 254


def test_split_args() -> None:
    assert split_args(b"", 1) == []
    assert split_args(b'  a "b c"d  e\\"f \\\\ \\# "" ', 1) == [b"a", b"b cd", b'e"f', b"\\", b"#", b""]
    for text, message in [(b'"abc', "quotation marks used improperly on line 4"),
                          (b"a\\b", "continuation character '\\\\' used improperly on line 4"),
                          (b"x" * 1023, "overflow arg length on line 4")]:
        with pytest.raises(ConfigFileError, match=message):
            split_args(text, 4)
    assert split_args(b"x" * 1022, 1) == [b"x" * 1022]


@pytest.mark.parametrize(("text", "value"), [
    (b"", 0), (b"12", 12), (b" 12", 12), (b"+7", 7), (b"-7", -7), (b"0x1f", 31), (b"0X1F", 31), (b"010", 8),
    (b"-0x10", -16), (b"0", 0), (b"9223372036854775807", (1 << 63) - 1), (b"-9223372036854775808", -(1 << 63)),
    (b"9223372036854775808", None), (b"08", None), (b"0x", None), (b"0xg", None), (b"1e3", None), (b"5 ", None),
    (b" ", None), (b"-", None), (b"- 5", None), (b"1_000", None), ("42", 42),
])
def test_parse_c_long(text: bytes | str, value: int | None) -> None:
    assert parse_c_long(text) == value


def test_parse_bool() -> None:
    for word in ("1", "y", "YES", "On", "t", "TRUE", "enable"):
        assert parse_bool(word) is True
    for word in (b"0", b"N", b"no", b"OFF", b"f", b"false", b"Disable"):
        assert parse_bool(word) is False
    for word in ("", "01", "2", "yess", " yes"):
        assert parse_bool(word) is None


def test_parse_kg() -> None:
    assert parse_kg(b"") == b"" and parse_kg(b"0x") == b"" and parse_kg(b"0X") == b""
    assert parse_kg(b"abc") == b"abc" and parse_kg(b"a" * 20) == b"a" * 20 and parse_kg(b"a" * 21) is None
    assert parse_kg(b"0x0102ff") == b"\x01\x02\xff" and parse_kg(b"0x123") == b"\x12\x03"
    assert parse_kg(b"0x" + b"ab" * 20) == b"\xab" * 20 and parse_kg(b"0x" + b"ab" * 20 + b"c") is None
    assert parse_kg(b"0xZZ") is None and parse_kg(b"0x1 ") is None


def test_error_output_keeps_raw_bytes() -> None:
    with pytest.raises(ConfigFileError) as info:
        parse_config_bytes(b"\xff\xfe x\n", "ipmipower")
    assert info.value.output == b'Config File Error: unknown configuration option "\xff\xfe" on line 1\n'
    assert str(info.value) == info.value.message


def test_import_is_light() -> None:
    code = ("import sys, pyipmi_tools.cli.conffile as m; "
            "print(sorted(n for n in ('typing', 'dataclasses', 'pyipmi_tools.workarounds', 're') "
            "if n in sys.modules))")
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "[]"
