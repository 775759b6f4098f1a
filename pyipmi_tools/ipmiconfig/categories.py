"""Category names (``-g``) and where each category's sections come from.

Modules are imported only when their category is selected, so ``ipmi-chassis-config``
never loads the core category. A category module exposes ``CATEGORY`` (a
:class:`~.model.Category`).
"""

from __future__ import annotations

from ..cli.cvalues import ascii_lower
from .model import Category

# FreeIPMI's fixed output order, whatever the order on the command line.
ORDER = ("core", "chassis", "sensors", "pef", "dcmi")

ALIASES = {"core": "core", "bmc": "core", "chassis": "chassis", "sensors": "sensors", "sensor": "sensors",
           "pef": "pef", "dcmi": "dcmi"}

MODULES = {
    "core": "pyipmi_tools.ipmiconfig.core",
    "chassis": "pyipmi_tools.ipmiconfig.chassis",
    "sensors": "pyipmi_tools.ipmiconfig.unavailable",
    "pef": "pyipmi_tools.ipmiconfig.unavailable",
    "dcmi": "pyipmi_tools.ipmiconfig.unavailable",
}


class CategoryError(ValueError):
    """``-g`` named something that is not a category; ``str()`` is FreeIPMI's message."""


class CategoryUnavailable(RuntimeError):
    """A selected category's module is not installed (the core category while it is being built)."""


def parse_categories(text: str) -> set[str]:
    """The categories of one ``-g`` argument: words split on spaces and commas, any case.

    Each ``-g`` replaces the previous selection (FreeIPMI resets its mask).
    """
    selected: set[str] = set()
    for word in text.replace(",", " ").split(" "):
        if not word:
            continue
        name = ALIASES.get(ascii_lower(word))
        if name is None:
            raise CategoryError(f"invalid category '{word}' specified")
        selected.add(name)
    return selected


def ordered(selected: set[str] | frozenset[str]) -> list[str]:
    return [name for name in ORDER if name in selected]


def load(name: str) -> Category:
    """The :class:`Category` called ``name`` (imports its module on first use)."""
    module_name = MODULES[name]
    try:
        module = __import__(module_name, fromlist=["CATEGORY"])
    except ModuleNotFoundError as err:
        if err.name is not None and module_name.startswith(err.name):
            raise CategoryUnavailable(f"the {name} category is not available in this build") from None
        raise
    if module_name.endswith(".unavailable"):
        return module.category(name)
    return module.CATEGORY
