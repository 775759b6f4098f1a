"""ipmi-config's settings: its own options, the command line, the checks after parsing.

The order is FreeIPMI 1.6.10's: a first pass for ``--config-file``, the configuration
file (``ipmi-config-*`` keys and the legacy ``bmc-config-``, ``ipmi-chassis-config-``,
``pef-config-``, ``ipmi-pef-config-``, ``ipmi-sensors-config-`` prefixes), the full
pass (``-e`` and ``-S`` are checked as they come: a malformed or repeated pair stops
the run at once), then the shared checks and ipmi-config's own, in its order.
"""

from __future__ import annotations

from .. import posixio
from ..cli.common import OptionError
from ..cli.cvalues import ascii_lower, strtol_int
from .categories import CategoryError, parse_categories
from .fileformat import KeyPair, check_duplicate_keypairs, parse_keypair

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..cli.common import CommonOptions

PROG = "ipmi-config"

CHECKOUT, COMMIT, DIFF, LISTSECTIONS, INFO = "checkout", "commit", "diff", "listsections", "info"

DOC = "ipmi-config - read, change and compare the configuration of BMCs"
VERSION = ("ipmi-config - 1.6.10\n"
           "Copyright (C) 2003-2015 FreeIPMI Core Team\n"
           "This program is free software; you may redistribute it under the terms of\n"
           "the GNU General Public License.  This program has absolutely no warranty.")

# (key, long name, short, metavar, help, hidden, help group offset) in ipmi-config-argp.c's order.
OWN_OPTIONS: tuple[tuple[str, str, str | None, str | None, str, bool, int], ...] = (
    ("category", "category", "g", "CATEGORY",
     "What to configure: core, chassis, sensors, pef or dcmi (a comma-separated list). The default is core.",
     False, 0),
    ("checkout", "checkout", "o", None, "Read the configuration from the BMC and print it.", False, 1),
    ("commit", "commit", "c", None, "Write the configuration given in a file or as key pairs to the BMC.",
     False, 2),
    ("diff", "diff", "d", None, "Compare the configuration in a file or key pairs with the BMC's.", False, 3),
    ("filename", "filename", "n", "FILENAME",
     "File to read (commit, diff) or write (checkout) instead of standard input or output.", False, 4),
    ("filename", "foobar", "f", "FILENAME", "Old name of --filename.", True, 4),
    ("key-pair", "key-pair", "e", "KEY-PAIR",
     "One SECTION:KEY=VALUE setting to commit, compare or (without =VALUE) check out; repeatable.", False, 5),
    ("section", "section", "S", "SECTION", "Check out only this section; repeatable.", False, 6),
    ("listsections", "listsections", "L", None, "Print the names of the sections that can be checked out.",
     False, 7),
    ("verbose", "verbose", "v", None, "Show more (repeat for even more).", False, 8),
    ("info", "info", "i", None, "Old PEF information request.", True, 9),
    ("lan-channel-number", "lan-channel-number", None, "NUMBER", "LAN channel to configure.", False, 10),
    ("serial-channel-number", "serial-channel-number", None, "NUMBER", "Serial channel to configure.", False, 11),
    ("sol-channel-number", "sol-channel-number", None, "NUMBER", "Serial-over-LAN channel to configure.",
     False, 12),
)


class Settings:
    """The shared options (``common``) and ipmi-config's own."""

    def __init__(self, common: CommonOptions) -> None:
        self.common = common
        self.categories: set[str] = {"core"}
        self.checkout = self.commit = self.diff = self.listsections = self.info = False
        self.filename: str | None = None
        self.keypairs: list[KeyPair] = []
        self.sections: list[str] = []
        self.verbose = 0
        self.lan_channel: int | None = None
        self.serial_channel: int | None = None
        self.sol_channel: int | None = None

    def __repr__(self) -> str:
        return (f"Settings(action={self.action!r}, categories={sorted(self.categories)}, "
                f"filename={self.filename!r}, keypairs={self.keypairs!r}, sections={self.sections!r}, "
                f"verbose={self.verbose}, hostname={self.common.hostname!r})")

    @property
    def action(self) -> str | None:
        for name in (CHECKOUT, COMMIT, DIFF, LISTSECTIONS):
            if getattr(self, name):
                return name
        return INFO if self.info else None

    @property
    def action_count(self) -> int:
        return sum(bool(getattr(self, name)) for name in (CHECKOUT, COMMIT, DIFF, LISTSECTIONS))


def _channel(text: str) -> int:
    value = strtol_int(text)
    if value is None or not (0 <= value <= 0x0B or value in (0x0E, 0x0F)):
        raise OptionError("invalid channel number")
    return value


def apply_own_option(settings: Settings, key: str, value: str | None) -> bool:
    """Apply one of ipmi-config's own options; False if ``key`` is not one of them."""
    if key == "category":
        try:
            settings.categories = parse_categories(value or "")
        except CategoryError as err:
            raise OptionError(str(err)) from None
    elif key in (CHECKOUT, COMMIT, DIFF, LISTSECTIONS, INFO):
        setattr(settings, key, True)
    elif key == "filename":
        settings.filename = value
    elif key == "key-pair":
        try:
            pair = parse_keypair(value or "")
            check_duplicate_keypairs([*settings.keypairs, pair])
        except ValueError as err:
            raise OptionError(str(err)) from None
        settings.keypairs.append(pair)
    elif key == "section":
        name = value or ""
        for earlier in settings.sections:
            if ascii_lower(earlier) == ascii_lower(name):
                raise OptionError(f"Duplicate section '{earlier}' specified")
        settings.sections.append(name)
    elif key == "verbose":
        settings.verbose += 1
    elif key == "lan-channel-number":
        settings.lan_channel = _channel(value or "")
    elif key == "serial-channel-number":
        settings.serial_channel = _channel(value or "")
    elif key == "sol-channel-number":
        settings.sol_channel = _channel(value or "")
    else:
        return False
    return True


def _check_readable(path: str) -> None:
    """``fopen(path, "r")``: a directory opens fine (and then reads as empty)."""
    try:
        posixio.close(posixio.open(path, posixio.O_RDONLY))
    except OSError as err:
        raise OptionError(f"Cannot read '{path}': {err.strerror}") from None


def _check_writable(path: str) -> None:
    """FreeIPMI's test of a checkout file: an existing one must be writable, a new one
    must be creatable (it is created and removed again)."""
    import os
    if os.path.lexists(path):
        if not os.access(path, os.W_OK):
            raise OptionError(f"Cannot write to '{path}': {os.strerror(13)}")
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except OSError as err:
        raise OptionError(f"Cannot open '{path}': {err.strerror}") from None
    os.close(fd)
    try:
        os.unlink(path)
    except OSError as err:
        raise OptionError(f"Cannot remove '{path}': {err.strerror}") from None


def validate(settings: Settings) -> None:
    """ipmi-config's checks after the shared ones, in FreeIPMI's order."""
    if not settings.common.flush_cache and not settings.info and settings.action_count != 1:
        raise OptionError("Exactly one of --checkout, --commit, --diff, or --listsections MUST be given")
    action = settings.action
    if action == CHECKOUT and settings.keypairs and settings.sections:
        raise OptionError("Only one of --filename, --keypair, and --section can be used")
    if action == DIFF and settings.filename is not None and settings.keypairs:
        raise OptionError("Both --filename or --keypair cannot be used")
    if action in (COMMIT, DIFF) and settings.filename is not None:
        _check_readable(settings.filename)
    if action == CHECKOUT and settings.filename is not None:
        _check_writable(settings.filename)


def option_table() -> list:
    from ..cli.argp import Option
    from ..cli.common import FIRST_TOOL_GROUP, IPMI_CONFIG, common_options
    own = [Option(key, long, short, arg, text, hidden, FIRST_TOOL_GROUP + group)
           for key, long, short, arg, text, hidden, group in OWN_OPTIONS]
    return [*common_options(IPMI_CONFIG), *own]


def parse_command_line(argv: list[str]) -> Settings:
    """FreeIPMI's two passes around the configuration file, then the checks.

    Raises ``ArgpExit`` (help, usage errors), ``cli.common.OptionError`` (bad values and
    failed checks) and ``cli.conffile.ConfigFileError``.
    """
    from ..cli import common
    from ..cli.argp import ArgpParser
    from ..cli.conffile import read_config
    parser = ArgpParser(PROG, option_table(), DOC, VERSION, positional_error="usage")
    opts = common.CommonOptions.defaults(common.IPMI_CONFIG)
    parser.parse(argv, lambda key, value: setattr(opts, "config_file", value), only={"config-file"})
    values = read_config(opts.config_file, PROG)
    common.apply_config(opts, values)
    settings = Settings(opts)
    if "verbose-count" in values:
        settings.verbose = int(values["verbose-count"])   # type: ignore[call-overload]

    def handle(key: str, value: str | None) -> bool:
        if apply_own_option(settings, key, value):
            return True
        return common.apply_common(opts, key, value, common.IPMI_CONFIG)

    parser.parse(argv, handle)
    common.verify_common(opts, common.IPMI_CONFIG)
    validate(settings)
    return settings
