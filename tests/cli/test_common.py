"""pyipmi_tools.cli.common: the shared options, their value checks and cross-checks.

Unit tests for each value parser and for C's strtol, then golden tests: the real
ipmipower and ipmi-config run with the same arguments as a test-local driver built on
argp + common, and exit status and stderr must match byte for byte.  A value that is
accepted is followed by a sentinel (``-W bogus`` while parsing; after the
cross-checks, the first check each tool makes next) so that "accepted" is observable.
"""

from __future__ import annotations

import ctypes
import os
import random
import subprocess
import sys

import pytest

from pyipmi_tools.cli import common
from pyipmi_tools.cli.argp import ArgpExit, ArgpParser
from pyipmi_tools.cli.common import (
    IPMI_CONFIG,
    IPMIPOWER,
    CommonOptions,
    OptionError,
    apply_common,
    apply_config,
    c_int,
    common_options,
    parse_k_g,
    strtol,
    strtol_int,
    verify_common,
)
from pyipmi_tools.workarounds import Workarounds
from tests.support.tools import require_tool

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# -- strtol ---------------------------------------------------------------------------------

STRTOL = [
    ("", 0, (0, b"", False)),
    ("0", 0, (0, b"", False)),
    ("10", 0, (10, b"", False)),
    ("010", 0, (8, b"", False)),
    ("08", 0, (0, b"8", False)),
    ("0x1f", 0, (31, b"", False)),
    ("0X1F", 0, (31, b"", False)),
    ("0x", 0, (0, b"x", False)),
    ("0xg", 0, (0, b"xg", False)),
    ("0x1g", 0, (1, b"g", False)),
    (" \t\n\v\f\r42", 0, (42, b"", False)),
    ("+7", 0, (7, b"", False)),
    ("-0x10", 0, (-16, b"", False)),
    ("- 5", 0, (0, b"- 5", False)),
    ("+", 0, (0, b"+", False)),
    ("  ", 0, (0, b"  ", False)),
    ("12abc", 0, (12, b"abc", False)),
    ("10 ", 0, (10, b" ", False)),
    ("9223372036854775807", 0, (9223372036854775807, b"", False)),
    ("9223372036854775808", 0, (9223372036854775807, b"", True)),
    ("-9223372036854775808", 0, (-9223372036854775808, b"", False)),
    ("-9223372036854775809x", 0, (-9223372036854775808, b"x", True)),
    ("0x10", 10, (0, b"x10", False)),
    ("010", 10, (10, b"", False)),
    ("0x10", 16, (16, b"", False)),
    ("ff", 16, (255, b"", False)),
    ("z", 36, (35, b"", False)),
    ("\u0663", 0, (0, "\u0663".encode(), False)),       # only ASCII digits count
]


@pytest.mark.parametrize(("text", "base", "expected"), STRTOL)
def test_strtol(text: str, base: int, expected: tuple[int, bytes, bool]) -> None:
    assert strtol(text, base) == expected
    assert strtol(text.encode(), base) == expected


def test_strtol_matches_libc() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.strtol.restype = ctypes.c_long
    libc.strtol.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
    rng = random.Random(1)
    alphabet = " \t+-0123456789xXabcdefgAFz"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        if rng.random() < 0.05:
            text = rng.choice(["", "-"]) + "9" * rng.randint(18, 21)
        base = rng.choice([0, 0, 8, 10, 16])
        buf = ctypes.create_string_buffer(text.encode())
        end = ctypes.c_char_p()
        ctypes.set_errno(0)
        value = libc.strtol(buf, ctypes.byref(end), base)
        consumed = ctypes.cast(end, ctypes.c_void_p).value - ctypes.addressof(buf)  # type: ignore[operator]
        errno = ctypes.get_errno()
        assert strtol(text, base) == (value, text.encode()[consumed:], errno != 0), (text, base)


STRTOL_INT = [
    ("", 0), ("  10", 10), ("10 ", None), ("0x", None), ("08", None), ("010", 8), ("+5", 5),
    ("\t+0x10", 16), ("4294967297", 1), ("2147483648", -2147483648), ("4294967296", 0),
    ("99999999999", 1215752191), ("9223372036854775808", None), ("-1", -1),
]


@pytest.mark.parametrize(("text", "expected"), STRTOL_INT)
def test_strtol_int(text: str, expected: int | None) -> None:
    assert strtol_int(text) == expected


def test_c_int() -> None:
    assert c_int(0x7FFFFFFF) == 0x7FFFFFFF
    assert c_int(0x80000000) == -0x80000000
    assert c_int(-1) == -1
    assert c_int(1 << 40 | 5) == 5


# -- value parsers ------------------------------------------------------------------------------

def error(func, *args: object) -> tuple[str, str]:      # type: ignore[no-untyped-def]
    with pytest.raises(OptionError) as exc:
        func(*args)
    return exc.value.message, exc.value.text


def test_driver_type() -> None:
    assert common.parse_driver_type("LANPLUS", IPMIPOWER) == "lan_2_0"
    assert common.parse_driver_type("Lan2_0", IPMIPOWER) == "lan_2_0"
    assert common.parse_driver_type("lan", IPMIPOWER) == "lan"
    assert common.parse_driver_type("open", IPMI_CONFIG) == "openipmi"
    assert common.parse_driver_type("BMC", IPMI_CONFIG) == "sunbmc"
    assert error(common.parse_driver_type, "kcs", IPMIPOWER) == ("invalid driver type", "invalid driver type\n")
    assert error(common.parse_driver_type, "lan2.0", IPMI_CONFIG)[0] == "invalid driver type"
    assert common.parse_ipmi_version("1.5") == "lan"
    assert common.parse_ipmi_version("2.0") == "lan_2_0"
    for bad in ("2", "2.00", " 2.0", "lan"):
        assert error(common.parse_ipmi_version, bad)[1] == "invalid driver type specified"   # no newline


def test_username_and_password() -> None:
    assert common.parse_username("a" * 16) == b"a" * 16
    assert error(common.parse_username, "a" * 17)[1] == "username too long\n"
    assert common.parse_username("\u00e9" * 8) == "\u00e9".encode() * 8       # bytes are counted
    assert error(common.parse_username, "\u00e9" * 9)[0] == "username too long"
    assert common.parse_password("p" * 20) == b"p" * 20
    assert error(common.parse_password, "p" * 21)[1] == "password too long\n"


K_G = [
    ("", None), ("0x", None), ("0X", None), ("abc", b"abc"), ("a" * 20, b"a" * 20),
    ("0x0102", b"\x01\x02"), ("0xABcd", b"\xab\xcd"), ("0x1", b"\x01"), ("0x123", b"\x12\x03"),
    ("0x" + "f" * 40, b"\xff" * 20), ("0x" + "f" * 39, b"\xff" * 19 + b"\x0f"), ("0x00", b"\x00"),
    ("0xZ", "k_g input formatted incorrectly"), ("0x1g", "k_g input formatted incorrectly"),
    ("0x 1", "k_g input formatted incorrectly"), ("0x+1", "k_g input formatted incorrectly"),
    ("a" * 21, "k_g too long"), ("0x" + "f" * 41, "k_g too long"), ("0x" + "g" * 41, "k_g too long"),
]


@pytest.mark.parametrize(("text", "expected"), K_G)
def test_k_g(text: str, expected: bytes | str | None) -> None:
    if isinstance(expected, str):
        assert error(parse_k_g, text) == (expected, expected + "\n")
    else:
        assert parse_k_g(text) == expected


def test_numbers() -> None:
    assert common.parse_session_timeout("0x10") == 16
    assert common.parse_session_timeout("4294967297") == 1
    for bad in ("0", "-5", "", "10 ", "2147483648", "4294967296", "9223372036854775808"):
        assert error(common.parse_session_timeout, bad)[1] == "invalid session timeout\n"
        assert error(common.parse_retransmission_timeout, bad)[1] == "invalid retransmission timeout\n"
    assert common.parse_cipher_suite_id("") == 0
    assert common.parse_cipher_suite_id("017") == 15
    assert common.parse_cipher_suite_id("0x11") == 17
    for suite in range(-1, 21):
        if suite in common.SUPPORTED_CIPHER_SUITES:
            assert common.parse_cipher_suite_id(str(suite)) == suite
        elif 0 <= suite <= 19:
            assert error(common.parse_cipher_suite_id, str(suite))[1] == "unsupported cipher suite id\n"
        else:
            assert error(common.parse_cipher_suite_id, str(suite))[1] == "invalid cipher suite id\n"
    assert common.parse_fanout("010") == 10                    # decimal only
    assert common.parse_fanout(" +1024") == 1024
    for bad in ("0", "1025", "0x10", "", "5 "):
        assert error(common.parse_fanout, bad)[1] == "invalid fanout\n"


def test_in_band_numbers() -> None:
    assert common.parse_driver_address("0x10") == 16
    assert error(common.parse_driver_address, "0")[1] == "invalid driver address\n"
    assert common.parse_register_spacing("0x100000001") == 1
    assert error(common.parse_register_spacing, "0xffffffff")[1] == "invalid register spacing\n"
    channels = [c for c in range(-1, 17) if _ok_channel(c)]
    assert channels == list(range(12)) + [14, 15]
    assert error(common.parse_target_channel_number, "x")[1] == "invalid target channel numbern"
    assert common.parse_target_slave_address("0x7fffffff") == 0x7FFFFFFF
    assert error(common.parse_target_slave_address, "0x80000000")[1] == "invalid target slave addressn"


def _ok_channel(value: int) -> bool:
    try:
        common.parse_target_channel_number(str(value))
    except OptionError:
        return False
    return True


def test_enumerations() -> None:
    assert common.parse_authentication_type("PLAIN") == "straight_password_key"
    assert common.parse_authentication_type("Md2") == "md2"
    assert error(common.parse_authentication_type, "md4")[1] == "invalid authentication type\n"
    assert common.parse_privilege_level("AdministratoR") == "admin"
    assert common.parse_privilege_level("operator") == "operator"
    assert error(common.parse_privilege_level, "adminx")[1] == "invalid privilege level\n"


def test_workaround_flags() -> None:
    assert common.parse_workaround_flags("") == Workarounds()
    assert "authcap" in common.parse_workaround_flags("AuthCap,idzero")
    assert common.parse_workaround_flags("authcap,none,junk") == Workarounds()
    assert error(common.parse_workaround_flags, "junk")[1] == "invalid workaround flags\n"
    # FreeIPMI copies at most 1024 bytes of the list
    assert "authcap" in common.parse_workaround_flags("authcap," * 128 + "junk")
    assert error(common.parse_workaround_flags, "authcap," * 127 + "authcapXXX")[0] == "invalid workaround flags"


def test_option_error_exit(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with pytest.raises(SystemExit) as exc:
        OptionError("invalid target channel numbern", newline=False).exit()
    assert exc.value.code == 1
    assert capsysbinary.readouterr() == (b"", b"invalid target channel numbern")


# -- options, defaults, configuration ----------------------------------------------------------

def test_defaults() -> None:
    power = CommonOptions.defaults(IPMIPOWER)
    assert (power.driver_type, power.session_timeout_ms, power.retransmission_timeout_ms,
            power.privilege_level, power.authentication_type, power.cipher_suite_id) == (
        "lan", 20000, 400, "operator", "md5", 3)
    config = CommonOptions.defaults(IPMI_CONFIG)
    assert (config.driver_type, config.session_timeout_ms, config.retransmission_timeout_ms,
            config.privilege_level) == (None, 0, 0, "admin")
    with pytest.raises(ValueError):
        CommonOptions.defaults("ipmitool")


def test_apply_common_stores_values() -> None:
    opts = CommonOptions.defaults(IPMI_CONFIG)
    given = [("driver-type", "LANPLUS"), ("hostname", "h1,h2"), ("username", "admin"), ("password", "pw"),
             ("k-g", "0x0a"), ("session-timeout", "1000"), ("retransmission-timeout", "100"),
             ("authentication-type", "plain"), ("cipher-suite-id", "17"), ("privilege-level", "user"),
             ("config-file", "/f"), ("workaround-flags", "idzero"), ("debug", None), ("debug", None),
             ("buffer-output", None), ("consolidate-output", None), ("fanout", "5"), ("eliminate", None),
             ("always-prefix", None), ("disable-auto-probe", None), ("driver-address", "0x20"),
             ("driver-device", "/dev/x"), ("register-spacing", "4"), ("target-channel-number", "7"),
             ("target-slave-address", "0x20"), ("flush-cache", None), ("quiet-cache", None),
             ("sdr-cache-recreate", None), ("sdr-cache-file", "/c"), ("sdr-cache-directory", "/d")]
    for key, value in given:
        assert apply_common(opts, key, value, IPMI_CONFIG)
    assert not apply_common(opts, "checkout", None, IPMI_CONFIG)
    assert opts == CommonOptions(
        driver_type="lan_2_0", hostname="h1,h2", username=b"admin", password=b"pw", k_g=b"\n",
        session_timeout_ms=1000, retransmission_timeout_ms=100, authentication_type="straight_password_key",
        cipher_suite_id=17, privilege_level="user", config_file="/f",
        workaround_flags=common.parse_workaround_flags("idzero"), debug=2, buffer_output=True,
        consolidate_output=True, fanout=5, eliminate=True, always_prefix=True, disable_auto_probe=True,
        driver_address=32, driver_device="/dev/x", register_spacing=4, target_channel_number=7,
        target_slave_address=32, flush_cache=True, quiet_cache=True, sdr_cache_recreate=True,
        sdr_cache_file="/c", sdr_cache_directory="/d")
    apply_common(opts, "k-g", "", IPMI_CONFIG)         # a new -k replaces the key, even by none
    assert opts.k_g is None
    apply_common(opts, "ipmi-version", "1.5", IPMIPOWER)
    assert opts.driver_type == "lan"


def test_prompts_use_read_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []
    answers = iter([b"secret", b"0x0102", b"p" * 21])

    def fake(prompt: str) -> bytes:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(common, "read_secret", fake)
    opts = CommonOptions.defaults(IPMIPOWER)
    apply_common(opts, "password-prompt", None, IPMIPOWER)
    apply_common(opts, "k-g-prompt", None, IPMIPOWER)
    assert (opts.password, opts.k_g, prompts) == (b"secret", b"\x01\x02", ["Password: ", "K_g: "])
    with pytest.raises(OptionError, match="password too long"):
        apply_common(opts, "password-prompt", None, IPMIPOWER)


def test_apply_config() -> None:
    opts = CommonOptions.defaults(IPMIPOWER)
    apply_config(opts, {"driver-type": "lan_2_0", "username": b"u", "k_g": b"", "session-timeout": 5000,
                        "consolidate-output": True, "workaround-flags": Workarounds(frozenset({"idzero"})),
                        "ping-interval": 3})
    assert (opts.driver_type, opts.username, opts.k_g, opts.session_timeout_ms, opts.consolidate_output) == (
        "lan_2_0", b"u", None, 5000, True)
    assert "idzero" in opts.workaround_flags
    apply_config(opts, {"k_g": b"\0\0"})
    assert opts.k_g == b"\0\0"                          # dropped later, by verify_common


def test_verify_common_drops_zero_k_g() -> None:
    opts = CommonOptions.defaults(IPMIPOWER)
    opts.k_g = b"\0" * 3
    verify_common(opts, IPMIPOWER)
    assert opts.k_g is None
    opts.k_g = b"\0\1"
    verify_common(opts, IPMIPOWER)
    assert opts.k_g == b"\0\1"


def test_common_option_table() -> None:
    for tool in (IPMIPOWER, IPMI_CONFIG):
        options = common_options(tool)
        longs = [o.long for o in options]
        assert len(set(longs)) == len(longs)
        assert all(o.key in common.COMMON_KEYS or o.key == "reg-space" for o in options)
        assert all(o.help for o in options if not o.hidden)
        assert all(o.key == {"timeout": "session-timeout", "retry-timeout": "retransmission-timeout",
                             "auth-type": "authentication-type", "privilege": "privilege-level",
                             "priv-level": "privilege-level", "no-probing": "disable-auto-probe",
                             }.get(o.long or "", o.key) for o in options)
    assert "ipmi-version" in [o.long for o in common_options(IPMIPOWER)]
    assert "ipmi-version" not in [o.long for o in common_options(IPMI_CONFIG)]
    assert "disable-auto-probe" not in [o.long for o in common_options(IPMIPOWER)]


# -- golden comparisons with the real tools ----------------------------------------------------

_NEXT_CHECK = {IPMIPOWER: b"invalid oem power type\n",
               IPMI_CONFIG: b"Exactly one of --checkout, --commit, --diff, or --listsections MUST be given\n"}


def ours(tool: str, args: list[str]) -> tuple[int, bytes]:
    """Parse as the tool does (argp + common); exit status and stderr of the first failure."""
    options = list(common_options(tool))
    if tool == IPMIPOWER:
        from pyipmi_tools.cli.argp import Option
        options.append(Option("oem-power-type", "oem-power-type", None, "OEM-POWER-TYPE", "x", group=200))
    parser = ArgpParser(tool, options, "doc", "1")
    opts = CommonOptions.defaults(tool)
    try:
        parser.parse([tool, *args], lambda key, value: None, only={"config-file"})
        parser.parse([tool, *args], lambda key, value: apply_common(opts, key, value, tool) or key == "oem-power-type")
        verify_common(opts, tool)
    except OptionError as exc:
        return 1, exc.text.encode()
    except ArgpExit as exc:                      # an option this tool does not have
        return exc.status, exc.stderr
    return 1, _NEXT_CHECK[tool]                  # the tool's own checks come next


def real(tool: str, args: list[str]) -> tuple[int, bytes]:
    exe = require_tool(tool)
    if tool == IPMIPOWER:
        args = [*args, "--oem-power-type", "foo"]
    proc = subprocess.run([tool, *args], executable=exe, capture_output=True, stdin=subprocess.DEVNULL, check=False,
                          timeout=10, env=dict(os.environ, LC_ALL="C"))
    return proc.returncode, proc.stderr


P17 = "p" * 17
VALUES = [
    ["-D", "foo"], ["-D", "kcs"], ["-D", "LANPLUS"], ["-D", "lan20"], ["--driver-type=Lan_20"],
    ["--ipmi-version", "2.0"], ["--ipmi-version", "2"], ["-u", "u" * 16], ["-u", "u" * 17],
    ["-p", "p" * 20], ["-p", "p" * 21], ["-k", "k" * 20], ["-k", "k" * 21], ["-k", "0x" + "1" * 40],
    ["-k", "0x" + "1" * 41], ["-k", "0x123g"], ["-k", "0xg"], ["-k", "0x12345"], ["-k", ""],
    ["--session-timeout", "0"], ["--session-timeout", " 10"], ["--session-timeout", "10 "],
    ["--session-timeout", ""], ["--session-timeout", "99999999999"], ["--session-timeout", "-5"],
    ["--timeout", "2147483648"], ["--session-timeout", "9223372036854775808"], ["--session-timeout", "0x"],
    ["--session-timeout", "08"], ["--retransmission-timeout", "0"], ["--retry-timeout", "abc"],
    ["-a", "foo"], ["-a", "PLAIN"], ["--auth-type", "md2"], ["-a", "none"], ["-I", "20"], ["-I", "4"],
    ["-I", "0x11"], ["-I", "017"], ["-I", ""], ["-I", "-1"], ["-l", "foo"], ["-l", "AdministratoR"],
    ["--priv-level", "user"], ["--privilege", "x"], ["-F", "0"], ["-F", "1025"], ["-F", "010"],
    ["-F", "0x10"], ["-F", " 5"], ["-F", "+5"], ["-W", "bogus"], ["-W", ""], ["-W", "none,bogus"],
    ["-W", "authcap," * 128 + "bogus"], ["-W", "authcap," * 127 + "authcapXXX"],
    ["--driver-address", "0"], ["--driver-address", "0x10"], ["--register-spacing", "0"],
    ["--reg-space", "0x100000001"], ["--target-channel-number", "16"], ["--target-channel-number", "15"],
    ["--target-channel-number", "12"], ["--target-channel-number", "-1"], ["--target-slave-address", "-1"],
    ["--target-slave-address", "0x100"], ["--target-slave-address", "0x80000000"],
]


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
@pytest.mark.parametrize("args", VALUES, ids=lambda a: " ".join(a)[:40])
def test_golden_value_errors(tool: str, args: list[str]) -> None:
    assert ours(tool, [*args, "-W", "bogus"]) == real(tool, [*args, "-W", "bogus"])


CROSS = [
    ["-p", P17], ["-D", "lanplus", "-p", P17], ["-D", "lan_2_0", "-p", P17, "--retransmission-timeout", "30000"],
    ["-D", "lanplus", "-p", P17, "--retransmission-timeout", "20000"], ["-p", P17, "--retransmission-timeout", "30000"],
    ["--retransmission-timeout", "30000"], ["--session-timeout", "4294967297", "--retransmission-timeout", "2"],
    ["--session-timeout", "0x10", "--retransmission-timeout", "17"], ["-D", "lan"], ["-h", "x", "-p", P17],
    ["-h", "x", "-D", "lan_2_0", "-p", P17], ["-D", "lan", "-p", P17], ["-D", "lan_2_0"],
    ["-h", "", "-D", "lan"], ["-h", "", "-p", P17], ["--retransmission-timeout", "200"],
    ["-h", "x", "--retransmission-timeout", "200"], ["-B", "-C"], ["-B", "-C", "--retransmission-timeout", "200"],
    ["--sdr-cache-directory", "/nonexistent", "-B", "-C"], ["--driver-device", "/nonexistent", "-B", "-C"],
    ["-h", "x", "-D", "lan", "-p", P17, "--driver-device", "/nonexistent"], ["-p", P17, "-D", "kcs"],
    ["-k", "0x00", "--retransmission-timeout", "200"], ["--session-timeout", "1000"], ["-B"],
]


@pytest.mark.parametrize("tool", [IPMIPOWER, IPMI_CONFIG])
@pytest.mark.parametrize("args", CROSS, ids=lambda a: " ".join(a)[:40])
def test_golden_cross_checks(tool: str, args: list[str]) -> None:
    assert ours(tool, args) == real(tool, args)


# -- prompts (no controlling terminal: glibc's getpass prompts on stderr, reads stdin) --------------

_OUR_TOOL = """
import sys
sys.path.insert(0, {repo!r})
from pyipmi_tools.cli.argp import ArgpParser
from pyipmi_tools.cli.common import CommonOptions, OptionError, apply_common, common_options
tool = sys.argv[1]
opts = CommonOptions.defaults(tool)
parser = ArgpParser(tool, common_options(tool), "doc", "1")
try:
    parser.parse(sys.argv[1:], lambda key, value: apply_common(opts, key, value, tool))
except OptionError as exc:
    exc.exit()
sys.stderr.buffer.write(b"PARSED %r %r\\n" % (opts.password, opts.k_g))
"""

PROMPTS = [
    (["-P", "-W", "bogus"], b"secret\n"), (["-P"], b"p" * 21 + b"\n"), (["-K"], b"0xzz\n"),
    (["-PK", "-W", "bogus"], b"a\nb\n"), (["-P", "-W", "bogus"], b""), (["-P", "-p", P17, "-W", "bogus"], b"abc"),
    (["-K", "-W", "bogus"], b"k" * 21 + b"\n"), (["-K", "-P", "-W", "bogus"], b"0x01\n"),
]


@pytest.mark.parametrize(("args", "stdin"), PROMPTS)
def test_golden_prompts_without_terminal(args: list[str], stdin: bytes) -> None:
    exe = require_tool(IPMIPOWER)
    want = subprocess.run(["ipmipower", *args], executable=exe, input=stdin, capture_output=True, check=False,
                          start_new_session=True, timeout=10, env=dict(os.environ, LC_ALL="C"))
    our_tool = [sys.executable, "-c", _OUR_TOOL.format(repo=REPO), IPMIPOWER]
    got = subprocess.run([*our_tool, *args], input=stdin, check=False,
                         capture_output=True, start_new_session=True, timeout=30)
    assert (got.returncode, got.stderr) == (want.returncode, want.stderr)
