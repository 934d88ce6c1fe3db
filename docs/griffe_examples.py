"""A griffe extension for the documentation build: neurona's docstrings title their doctests
"Example:" (singular), which the Google-style parser reads as a plain note; this renames the
section to "Examples:" so that the ``>>>`` lines render as code, not as quoted text."""

from __future__ import annotations

import re
from typing import Any

import griffe

_TITLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename each docstring's "Example:" section to "Examples:" before it is parsed."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _TITLE.sub(r"\1Examples:", obj.docstring.value)
