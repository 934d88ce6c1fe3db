"""The house-prices lab in fast mode: the ethics note shown and B left out, the validation-MAE
curve across folds and the epoch chosen from it, the baselines on the same folds (checked
against scikit-learn's cross_val_score), the report written."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import _oracle

_oracle("sklearn")

from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.model_selection import KFold, cross_val_score, train_test_split  # noqa: E402

from neurona.datasets import load_boston_housing  # noqa: E402
from neurona.labs import house_prices  # noqa: E402


def test_fast_run_chooses_epochs_from_the_folds_and_compares_on_the_same_folds(tmp_path):
    lines = []
    results = house_prices.run(fast=True, out=tmp_path, print_fn=lines.append, seed=1)
    assert lines[0].startswith("ETHICS NOTE:") and "Black residents" in lines[0]
    assert "B" not in results["features"] and len(results["features"]) == 12
    curves = np.asarray(results["val_mae_folds"])
    assert curves.shape == (3, 4)  # 3 folds × 4 epochs
    np.testing.assert_allclose(results["val_mae_mean"], curves.mean(axis=0))
    np.testing.assert_allclose(results["val_mae_std"], curves.std(axis=0, ddof=1))
    assert results["chosen_epochs"] == int(np.argmin(curves.mean(axis=0))) + 1
    rows = {row[0]: row for row in results["table"]["rows"]}
    assert set(rows) == {
        f"network ({results['chosen_epochs']} epochs)",
        "linear neuron",
        "LinearRegression",
        "Ridge",
    }
    # LinearRegression's CV MAE is scikit-learn's on the same folds of the same 80 %
    X, y = (np.asarray(a, dtype=np.float64) for a in load_boston_housing())
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=1)
    theirs = -cross_val_score(
        LinearRegression(),
        X_train,
        y_train,
        cv=KFold(3, shuffle=True, random_state=1),
        scoring="neg_mean_absolute_error",
    )
    assert rows["LinearRegression"][1] == pytest.approx(theirs.mean())
    assert rows["LinearRegression"][2] == pytest.approx(theirs.std(ddof=1))
    # the linear neuron reaches least squares' error (gradient descent on standardised inputs)
    assert rows["linear neuron"][4] == pytest.approx(rows["LinearRegression"][4], rel=0.01)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["metrics.json", "model.neurona", "table.md", "validation_mae.png"]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["chosen_epochs"] == results["chosen_epochs"]
    assert "| model | CV MAE mean |" in (tmp_path / "table.md").read_text()
