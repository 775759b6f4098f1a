"""One host's run once its session is up, as a generator script (no I/O here).

:func:`host_script` follows FreeIPMI 1.6.10's order: the categories' sections, the
input (file or ``-e`` pairs) parsed against them, every value validated, then the
action. It yields requests (and :class:`Sleep` for ``-W slowcommit``), writes lines
through a :class:`Lines` sink and returns the host's exit status (0, or 1 after a
non-fatal error). Session failures never reach it: the job ends instead.
"""

from __future__ import annotations

from ..cli.cvalues import ascii_lower
from . import fileformat
from .model import Context, FailureKind, KeyFailure, KeyFlag, Section, SectionFlag, SectionsFailed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .fileformat import KeyPair
    from .model import Category, Key, Script

CHECKOUT, COMMIT, DIFF, LISTSECTIONS, INFO = "checkout", "commit", "diff", "listsections", "info"


class Sleep:
    """A script step: wait ``seconds`` without sending anything (``-W slowcommit``)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Lines:
    """Where a host's lines go: ``out`` (stdout or the checkout file) and ``err`` (stderr)."""

    def __init__(self, out: Callable[[str], None], err: Callable[[str], None]) -> None:
        self.out = out
        self.err = err


class Plan:
    """What every host does: the action and its input (the same for all hosts)."""

    def __init__(self, action: str, categories: Sequence[Category], *, data: bytes | None = None,
                 keypairs: Sequence[KeyPair] = (), section_names: Sequence[str] = (), verbose: int = 0,
                 slowcommit: bool = False, veryslowcommit: bool = False) -> None:
        self.action = action
        self.categories = list(categories)
        self.data = data                      # the configuration file's bytes (commit, diff)
        self.keypairs = list(keypairs)
        self.section_names = list(section_names)
        self.verbose = verbose
        self.slowcommit = slowcommit
        self.veryslowcommit = veryslowcommit


def gather_sections(plan: Plan, ctx: Context) -> Script:
    """Every selected category's sections, in FreeIPMI's category order."""
    sections: list[Section] = []
    for category in plan.categories:
        sections.extend((yield from category.sections(ctx)))
    return sections


def host_script(plan: Plan, ctx: Context, lines: Lines) -> Script:
    """The whole per-host run after the session opened; returns 0 or 1."""
    try:
        sections = yield from gather_sections(plan, ctx)
    except SectionsFailed as err:
        for line in err.lines:
            lines.err(line)
        return 1
    if plan.action == LISTSECTIONS:
        for section in sections:
            if not section.flags & SectionFlag.HIDDEN:
                lines.out(section.name)
        return 0
    if plan.action == CHECKOUT:
        return (yield from checkout(plan, ctx, sections, lines))
    config = build_config(plan, sections, lines)
    if config is None:
        return 1
    if not validate(config, lines):
        return 1
    errors = [line for category in plan.categories for line in category.check_input(config, ctx.host_count)]
    if errors:
        for line in errors:
            lines.err(line)
        return 1
    inputs = config.inputs()
    if "core" not in [c.name for c in plan.categories]:
        ctx.inputs = inputs
    ctx.cache["input"] = inputs               # always: core reads its session limits and K_G from it
    if plan.action == DIFF:
        return (yield from diff(ctx, config, lines))
    return (yield from commit(plan, ctx, config, lines))


# --- input -----------------------------------------------------------------------------------

def build_config(plan: Plan, sections: list[Section], lines: Lines) -> fileformat.Config | None:
    """The file (if any) parsed, then the ``-e`` pairs merged in; None after an error."""
    config = fileformat.Config(sections)
    if plan.data is not None:
        try:
            fileformat.parse(plan.data, sections, config)
        except fileformat.ParseError as err:
            lines.err(str(err))
            return None
    matches, errors = fileformat.resolve_keypairs(plan.keypairs, sections)
    if errors:
        for line in errors:
            lines.err(line)
        return None
    for section, key, value in matches:
        config.set(section, key, value)
    return config


def validate(config: fileformat.Config, lines: Lines) -> bool:
    """Every value checked (sections in order, values in input order); all problems printed."""
    good = True
    for section, values in config.items():
        for kv in values:
            result = kv.key.validate(kv.value)
            message = result.message(section.name, kv.key.name, kv.value)
            if message:
                lines.err(message)
                good = False
    return good


# --- checkout --------------------------------------------------------------------------------

def checkout(plan: Plan, ctx: Context, sections: list[Section], lines: Lines) -> Script:
    status = 0
    if plan.keypairs:
        matches, errors = fileformat.resolve_keypairs(plan.keypairs, sections)
        if errors:
            for line in errors:
                lines.err(line)
            return 1
        chosen: list[tuple[Section, list[Key]]] = []
        for section, key, _value in matches:
            for entry in chosen:
                if entry[0] is section:
                    entry[1].append(key)
                    break
            else:
                chosen.append((section, [key]))
        order = {id(s): i for i, s in enumerate(sections)}
        chosen.sort(key=lambda entry: order[id(entry[0])])
        for section, keys in chosen:
            status = max(status, (yield from checkout_section(ctx, section, keys, False, lines)))
        return status
    if plan.section_names:
        picked: list[Section] = []
        bad = False
        for name in plan.section_names:
            section = fileformat.find_section(sections, name)
            if section is None:
                lines.err(f"Unknown section `{name}', perhaps another category must be specified "
                          "(see --category)")
                bad = True
            else:
                picked.append(section)
        if bad:
            return 1
        for section in picked:
            status = max(status, (yield from checkout_section(ctx, section, None, True, lines)))
        return status
    for section in sections:
        if section.flags & SectionFlag.HIDDEN:
            continue
        if section.flags & SectionFlag.VERBOSE_ONLY and not ctx.verbose:
            continue
        status = max(status, (yield from checkout_section(ctx, section, None, True, lines)))
    return status


def checkout_section(ctx: Context, section: Section, keys: list[Key] | None, full: bool, lines: Lines) -> Script:
    """Check out one section (all keys, or ``keys``); writes it and returns 0 or 1."""
    status = 0
    body: list[str] = []
    for key in keys if keys is not None else section.keys:
        if keys is None:
            if key.flags & KeyFlag.HIDDEN:
                continue
            if key.flags & KeyFlag.VERBOSE_ONLY and not ctx.verbose:
                continue
        value = yield from key.checkout(ctx)
        if isinstance(value, KeyFailure):
            status = 1
            if ctx.verbose >= 2:
                suffix = " : Not Supported" if value.kind is FailureKind.NOT_SUPPORTED else ""
                body.append(f"\t## Unable to checkout {section.name}:{key.name}{suffix}\n")
            continue
        body.append(fileformat.key_lines(key, value or "", section.line_length))
    text = fileformat.section_text(section, body, full)
    for line in text.split("\n")[:-1]:
        lines.out(line)
    return status


# --- diff ------------------------------------------------------------------------------------

def diff(ctx: Context, config: fileformat.Config, lines: Lines) -> Script:
    status = 0
    for section, values in config.items():
        for kv in values:
            actual = yield from kv.key.checkout(ctx)
            if isinstance(actual, KeyFailure):
                lines.out(f"\t## ERROR: Unable to checkout {section.name}:{kv.key.name}")
                if actual.kind is not FailureKind.NOT_SUPPORTED:    # measured: diff exits 0 for those
                    status = 1
                continue
            actual = actual or ""                       # a value the BMC cannot report reads as empty
            if ascii_lower(kv.value) != ascii_lower(actual):
                lines.out(f"{section.name}:{kv.key.name} - input=`{kv.value}':actual=`{actual}'")
    return status


# --- commit ----------------------------------------------------------------------------------

def commit(plan: Plan, ctx: Context, config: fileformat.Config, lines: Lines) -> Script:
    status = 0
    for section in config.sections:
        pairs = [(kv.key, kv.value) for kv in config.values[section.name]]
        if section.commit_order is not None:
            pairs = section.commit_order(pairs)
        committed = 0
        for key, value in pairs:
            if not key.writable:
                lines.err(f"ERROR: `{section.name}:{key.name}' is not writeable")
                status = 1
                continue
            result = yield from key.commit(ctx, value)
            if isinstance(result, KeyFailure):
                lines.err(f"ERROR: Failed to commit `{section.name}:{key.name}'{result.kind.value}")
                status = 1
                continue
            committed += 1
            if plan.veryslowcommit:
                yield Sleep(1.0)
        if committed and section.post_commit is not None:
            result = yield from section.post_commit(ctx)
            if isinstance(result, KeyFailure):
                lines.err(f"ERROR: Section post-commit `{section.name}'")
                status = 1
        if plan.slowcommit or plan.veryslowcommit:    # veryslowcommit implies slowcommit (measured)
            yield Sleep(1.0)
    return status
