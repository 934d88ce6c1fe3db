"""Root pytest configuration: names every doctest in neurona/ may use (np, nr, F), and no
pyplot figure left open from one test to the next."""

import sys

import numpy as np
import pytest

import neurona
import neurona.functional


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["np"] = np
    doctest_namespace["nr"] = neurona
    doctest_namespace["F"] = neurona.functional


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    """viz draws on pyplot's figures once pyplot is imported (so plt.savefig works); a test
    suite that never calls plt.show would pile them up past matplotlib's 20-figure warning."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
