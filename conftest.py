"""Root pytest configuration: names every doctest in neurona/ may use (np, nr, F)."""

import numpy as np
import pytest

import neurona
import neurona.functional


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["np"] = np
    doctest_namespace["nr"] = neurona
    doctest_namespace["F"] = neurona.functional
