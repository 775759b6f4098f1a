"""The ``Section``/``EndSection`` file format: the parser (input) and the checkout writer.

Parser (FreeIPMI 1.6.10's rules): lines are read as ``fgets`` reads them into a
4096-byte buffer; each is split on space, TAB and newline (a CR is part of a word);
only the first two words count; names and values match case-insensitively. Every
problem is one :class:`ParseError` whose text is FreeIPMI's line.

Writer: a full-section checkout gets a ``#`` comment block (paragraphs reflowed at 80
columns, every line ending in a space), then ``Section Name``, per key the
``\\t## description`` lines and the key line padded to column 47, then ``EndSection``.

Text is handled as ``str`` decoded with ``os.fsdecode`` (bytes that are not UTF-8
survive as surrogates and are written back unchanged).
"""

from __future__ import annotations

from ..cli.cvalues import ascii_lower
from ..posixio import fsdecode
from .model import Key, Section

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

BUFLEN = 4096          # fgets buffer of ipmi-config-parse.c
_SEPARATORS = " \t\n"
COMMENT_WIDTH = 80


class ParseError(ValueError):
    """Input FreeIPMI refuses; ``str()`` is its message (one stderr line, no newline)."""


class KeyValue:
    """One input value for a key: ``key`` is the section's :class:`Key`, ``value`` as written."""

    __slots__ = ("key", "value")

    def __init__(self, key: Key, value: str) -> None:
        self.key = key
        self.value = value

    def __repr__(self) -> str:
        return f"KeyValue({self.key.name!r}, {self.value!r})"


class Config:
    """Parsed input: per section (in the category order), its key values in input order."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = list(sections)
        self.values: dict[str, list[KeyValue]] = {s.name: [] for s in self.sections}

    def items(self) -> list[tuple[Section, list[KeyValue]]]:
        """Sections with at least one value, in section order."""
        return [(s, self.values[s.name]) for s in self.sections if self.values[s.name]]

    def find(self, section: Section, key: Key) -> KeyValue | None:
        for kv in self.values[section.name]:
            if kv.key is key:
                return kv
        return None

    def add(self, section: Section, key: Key, value: str) -> None:
        self.values[section.name].append(KeyValue(key, value))

    def set(self, section: Section, key: Key, value: str) -> None:
        """Replace the value of ``key`` (in place), or append it."""
        kv = self.find(section, key)
        if kv is None:
            self.add(section, key, value)
        else:
            kv.value = value

    def inputs(self) -> dict[tuple[str, str], str]:
        """``(section lower, key lower) -> value`` for :class:`~.model.Context`."""
        return {(ascii_lower(s.name), ascii_lower(kv.key.name)): kv.value
                for s in self.sections for kv in self.values[s.name]}

    def __bool__(self) -> bool:
        return any(self.values.values())


def find_section(sections: Iterable[Section], name: str) -> Section | None:
    low = ascii_lower(name)
    for section in sections:
        if ascii_lower(section.name) == low:
            return section
    return None


def _words(line: str) -> list[str]:
    """``strtok(line, " \\t\\n")`` twice: at most the first two words."""
    words: list[str] = []
    i, n = 0, len(line)
    while i < n and len(words) < 2:
        while i < n and line[i] in _SEPARATORS:
            i += 1
        start = i
        while i < n and line[i] not in _SEPARATORS:
            i += 1
        if i > start:
            words.append(line[start:i])
    return words


def fgets_lines(data: bytes) -> list[bytes]:
    """The pieces ``fgets(buf, 4096, fp)`` returns one by one: up to and including a
    newline, at most 4095 bytes each; a NUL ends what ``strtok`` sees of a piece."""
    lines: list[bytes] = []
    start, n = 0, len(data)
    while start < n:
        newline = data.find(b"\n", start, start + BUFLEN - 1)
        end = newline + 1 if newline >= 0 else min(n, start + BUFLEN - 1)
        lines.append(data[start:end])
        start = end
    return lines


def parse(data: bytes, sections: Sequence[Section], config: Config | None = None) -> Config:
    """Parse a configuration file's bytes against ``sections``; raise :class:`ParseError`."""
    config = config if config is not None else Config(sections)
    current: Section | None = None
    for number, raw in enumerate(fgets_lines(data), start=1):
        words = _words(fsdecode(raw.split(b"\0", 1)[0]))
        if not words or words[0].startswith("#"):
            continue
        first = words[0]
        if ascii_lower(first) == "section":
            if len(words) < 2:
                raise ParseError(f"FATAL: Error parsing line number {number}")
            current = find_section(sections, words[1])
            if current is None:
                raise ParseError(f"Unknown section `{words[1]}'")
            continue
        if ascii_lower(first) == "endsection":
            if current is None:
                raise ParseError(f"FATAL: encountered `{first}' without a matching Section")
            current = None
            continue
        if current is None:
            raise ParseError(f"FATAL: Key `{first}' not inside a valid Section")
        key = current.key(first)
        if key is None:
            raise ParseError(f"Unknown key `{first}' in section `{current.name}'")
        if config.find(current, key) is not None:
            raise ParseError(f"Key '{key.name}' specified twice in section '{current.name}'")
        config.add(current, key, words[1] if len(words) > 1 else "")
    return config


# --- -e/--key-pair -----------------------------------------------------------------------

class KeyPair:
    """One ``-e SECTION:KEY[=VALUE]`` argument, split as FreeIPMI splits it."""

    __slots__ = ("section", "key", "value")

    def __init__(self, section: str, key: str, value: str) -> None:
        self.section = section
        self.key = key
        self.value = value

    def __repr__(self) -> str:
        return f"KeyPair({self.section!r}, {self.key!r}, {self.value!r})"


def _strtok(text: str, delimiters: str) -> tuple[str | None, str]:
    """C ``strtok_r``: skip leading delimiters, take up to the next one; (token, rest)."""
    i, n = 0, len(text)
    while i < n and text[i] in delimiters:
        i += 1
    if i == n:
        return None, ""
    j = i
    while j < n and text[j] not in delimiters:
        j += 1
    return text[i:j], text[j + 1:]


def _first_word(text: str) -> str:
    token, _ = _strtok(text, " \t")
    return token or ""


def parse_keypair(text: str) -> KeyPair:
    """Split ``-e`` text: section up to ``:``, key up to ``=``, the rest is the value;
    each cut at its first blank. ``ValueError`` with FreeIPMI's message if malformed."""
    section, rest = _strtok(text, ":")
    key, rest = _strtok(rest, "=") if section is not None else (None, "")
    if section is None or key is None:
        raise ValueError(f"Improperly input keypair '{text}'")
    value, _ = _strtok(rest, "") if rest else (None, "")
    return KeyPair(_first_word(section), _first_word(key), _first_word(value or ""))


def check_duplicate_keypairs(pairs: Sequence[KeyPair]) -> None:
    """``Duplicate section:key pair`` (case-insensitive), naming the earlier pair."""
    for i, later in enumerate(pairs):
        for earlier in pairs[:i]:
            if ascii_lower(earlier.section) == ascii_lower(later.section) and \
                    ascii_lower(earlier.key) == ascii_lower(later.key):
                raise ValueError(f"Duplicate section:key pair '{earlier.section}:{earlier.key}' specified")


def resolve_keypairs(pairs: Sequence[KeyPair], sections: Sequence[Section]) -> tuple[
        list[tuple[Section, Key, str]], list[str]]:
    """Match ``-e`` pairs with sections and keys: (matches, error lines for every bad pair)."""
    matches: list[tuple[Section, Key, str]] = []
    errors: list[str] = []
    for pair in pairs:
        section = find_section(sections, pair.section)
        if section is None:
            errors.append(f"Unknown section `{pair.section}'")
            continue
        key = section.key(pair.key)
        if key is None:
            errors.append(f"Unknown key `{pair.key}' in section `{section.name}'")
            continue
        matches.append((section, key, pair.value))
    return matches, errors


# --- the checkout writer -------------------------------------------------------------------

def comment_block(section_name: str, text: str) -> str:
    """The ``#`` block written above a full section: title, then each paragraph reflowed."""
    out = ["#\n", f"# Section {section_name} Comments \n", "#\n"]
    for paragraph in text.split("\n"):
        out.append(reflow(paragraph))
        out.append("#\n")
    return "".join(out)


def reflow(paragraph: str, width: int = COMMENT_WIDTH) -> str:
    """Greedy fill: ``# `` then words each followed by a space; a word that would pass
    ``width`` starts a new ``# `` line."""
    out = ["# "]
    length = 2
    for word in paragraph.split(" "):
        if not word:
            continue
        if length + len(word) > width:
            out.append("\n# ")
            length = 2
        out.append(word + " ")
        length += len(word) + 1
    out.append("\n")
    return "".join(out)


def key_lines(key: Key, value: str, line_length: int = 45) -> str:
    """The description lines and the key line of one checked-out key."""
    out = [f"\t## {line}\n" for line in key.description.split("\n")] if key.description else []
    text = f"\t## {key.name}" if key.commented_out(value) else f"\t{key.name}"
    out.append(text.ljust(line_length + 1) + " " + value + "\n")
    return "".join(out)


def section_text(section: Section, lines: Sequence[str], with_comment: bool) -> str:
    """A whole section: the comment block (if asked for and there is prose), ``Section``,
    the already formatted key lines, ``EndSection``."""
    head = comment_block(getattr(section, "comment_name", "") or section.name, section.comment) if with_comment and section.comment else ""
    return head + f"Section {section.name}\n" + "".join(lines) + "EndSection\n"
