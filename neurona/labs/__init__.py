"""Side: the course labs as short, readable scripts; ``neurona lab NAME`` runs them.

Each lab is one module of this package that defines three names:

    NAME = "xor-mlp"                      # what ``neurona lab NAME`` takes
    DESCRIPTION = "a 2-2-1 network ..."   # one line, shown by ``neurona labs``
    def run(epochs=None, out=None, seed=0, fast=False, print_fn=print) -> dict: ...

``run`` returns the lab's results (JSON-able numbers) and writes a report folder (metrics.json,
plots, the trained model) through :class:`neurona.labs._report.Report`. Modules whose name starts
with an underscore are helpers, not labs.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from neurona.errors import did_you_mean

__all__ = ["available", "get"]


# the optional packages a lab may need, and the extra that installs each
_EXTRAS = {"sklearn": "data", "pandas": "data", "matplotlib": "plot", "joblib": "data"}


def _lab_modules() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except ModuleNotFoundError as error:
            top = (error.name or "").split(".")[0]
            if top not in _EXTRAS:
                raise
            module = _needs_extra(info.name, top)
        if hasattr(module, "NAME") and hasattr(module, "run"):
            modules.append(module)
    return modules


def _needs_extra(module_name: str, package: str) -> ModuleType:
    """A stand-in for a lab whose optional package is missing (the plain install): it is
    listed, and running it says what to install instead of breaking every other lab."""
    extra = _EXTRAS[package]
    stand_in = ModuleType(f"{__name__}.{module_name}")
    stand_in.NAME = module_name.replace("_", "-")
    stand_in.DESCRIPTION = f'(needs {package}: pip install "neurona[{extra}]")'

    def run(*args: object, **kwargs: object) -> dict:
        raise ImportError(
            f"lab {stand_in.NAME}: expected the optional package {package!r}, which is not "
            f'installed. Install it with: pip install "neurona[{extra}]"'
        )

    stand_in.run = run
    return stand_in


def available() -> dict[str, str]:
    """Every lab's name and one-line description, sorted by name.

    Example:
        >>> labs = available()
        >>> "xor-autodiff" in labs and isinstance(labs["xor-autodiff"], str)
        True
    """
    return {m.NAME: m.DESCRIPTION for m in sorted(_lab_modules(), key=lambda m: m.NAME)}


def get(name: str) -> ModuleType:
    """The lab module called ``name`` (as ``neurona lab NAME`` spells it).

    Raises:
        ValueError: an unknown name; the message lists the labs and the closest match.

    Example:
        >>> get("xor-autodiff").NAME
        'xor-autodiff'
    """
    for module in _lab_modules():
        if module.NAME == name:
            return module
    names = sorted(m.NAME for m in _lab_modules())
    raise ValueError(
        f"unknown lab {name!r}.{did_you_mean(name, names)} The labs are: "
        f"{', '.join(names)} (`neurona labs` describes them)."
    )
