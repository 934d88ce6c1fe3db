"""Small public helpers that Keras users expect under ``nr.utils``."""

from __future__ import annotations

from neurona.backend import set_random_seed

__all__ = ["set_random_seed"]
