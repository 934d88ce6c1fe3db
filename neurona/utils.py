"""Small public helpers that Keras users expect under ``nr.utils``."""

from __future__ import annotations

from neurona.backend import set_random_seed
from neurona.datasets.preprocessing import to_categorical
from neurona.models.data_adapter import PyDataset

__all__ = ["PyDataset", "set_random_seed", "to_categorical"]
