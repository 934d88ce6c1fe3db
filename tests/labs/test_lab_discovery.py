"""Lab discovery with the plain install (NumPy only): a lab whose optional package is missing
is still listed and says what to install, and every other lab keeps working (a missing
scikit-learn once broke `neurona labs` and every `neurona lab NAME`)."""

from __future__ import annotations

import importlib

import pytest

import neurona.labs as labs


@pytest.fixture
def without_sklearn(monkeypatch):
    real = importlib.import_module

    def import_module(name, *args, **kwargs):
        if name in ("neurona.labs.house_prices", "neurona.labs.breast_cancer_study"):
            raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(labs.importlib, "import_module", import_module)


def test_a_lab_missing_its_package_is_listed_with_the_install_command(without_sklearn):
    available = labs.available()
    assert available["house-prices"] == '(needs sklearn: pip install "neurona[data]")'
    assert "xor-mlp" in available and "(needs" not in available["xor-mlp"]


def test_running_it_says_what_to_install_and_the_others_still_run(without_sklearn):
    with pytest.raises(ImportError, match=r'pip install "neurona\[data\]"'):
        labs.get("breast-cancer-study").run(fast=True, out=False)
    assert labs.get("xor-autodiff").NAME == "xor-autodiff"


def test_a_missing_module_that_is_not_an_optional_package_is_not_hidden(monkeypatch):
    real = importlib.import_module

    def import_module(name, *args, **kwargs):
        if name == "neurona.labs.xor_mlp":
            raise ModuleNotFoundError("No module named 'neurona.typo'", name="neurona.typo")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(labs.importlib, "import_module", import_module)
    with pytest.raises(ModuleNotFoundError, match="neurona.typo"):
        labs.available()
