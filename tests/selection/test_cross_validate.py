"""neurona.selection: the fold scores against scikit-learn's roc_auc_score and confusion_matrix,
cross-validation determinism (same seed → same table, n_jobs=2 == n_jobs=1), holdout, the
study's two tables and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import _oracle

_oracle("sklearn")

from sklearn.datasets import make_classification  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import confusion_matrix, roc_auc_score  # noqa: E402
from sklearn.model_selection import KFold, RepeatedStratifiedKFold  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from neurona.selection import (  # noqa: E402
    RATES,
    compare_models,
    cross_validate,
    fold_seed,
    fresh_model,
    holdout,
)
from neurona.selection.scores import fold_scores  # noqa: E402
from neurona.sklearn import NeuronaClassifier  # noqa: E402


class _Fixed:
    """A fitted 'model' that returns given scores and labels (for checking the formulas)."""

    classes_ = np.array(["healthy", "patient"])

    def __init__(self, proba, labels):
        self.proba, self.labels = proba, labels

    def predict_proba(self, X):
        return np.column_stack([1 - self.proba, self.proba])

    def predict(self, X):
        return self.labels


@pytest.mark.parametrize("trial", range(5))
def test_auc_and_the_six_rates_equal_sklearn_on_random_predictions(trial):
    rng = np.random.default_rng(trial)
    n = int(rng.integers(20, 200))
    y = rng.choice(["healthy", "patient"], n)
    y[:2] = ["healthy", "patient"]  # both classes present
    proba = rng.choice(np.linspace(0, 1, 11), n)  # ties on purpose
    labels = rng.choice(["healthy", "patient"], n)
    got = fold_scores(_Fixed(proba, labels), None, y, ("auc", "accuracy", *RATES), "patient")
    truth, decided = (y == "patient").astype(int), (labels == "patient").astype(int)
    assert got["auc"] == pytest.approx(roc_auc_score(truth, proba), abs=1e-12)
    tn, fp, fn, tp = confusion_matrix(truth, decided, labels=[0, 1]).ravel()
    expected = {
        "TPR": tp / (tp + fn),
        "TNR": tn / (tn + fp),
        "FNR": fn / (fn + tp),
        "FPR": fp / (fp + tn),
        "FDR": fp / (fp + tp) if fp + tp else np.nan,
        "FOR": fn / (fn + tn) if fn + tn else np.nan,
        "accuracy": (tp + tn) / n,
    }
    for name, value in expected.items():
        np.testing.assert_allclose(got[name], value, rtol=1e-12, err_msg=name)


@pytest.fixture(scope="module")
def data():
    return make_classification(90, n_features=6, n_informative=4, class_sep=1.5, random_state=2)


def _models():
    net = NeuronaClassifier(hidden_layer_sizes=(8,), epochs=4, learning_rate=0.01)
    return {
        "net": make_pipeline(StandardScaler(), net),
        "LR": make_pipeline(StandardScaler(), LogisticRegression()),
        "NB": GaussianNB(),
    }


CV = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)


def test_same_seed_same_tables_and_n_jobs_2_equals_n_jobs_1(data):
    X, y = data
    one = compare_models(_models(), X, y, cv=CV, seed=7)
    again = compare_models(_models(), X, y, cv=CV, seed=7)
    two = compare_models(_models(), X, y, cv=CV, seed=7, n_jobs=2)
    for name in one.results:
        assert one[name].table() == again[name].table() == two[name].table(), name
    assert one.auc_table() == two.auc_table() and one.rates_table() == two.rates_table()
    other = compare_models(_models(), X, y, cv=CV, seed=8)
    assert other["net"].table() != one["net"].table()  # another seed, other networks
    # every model saw the same folds with the same seeds
    assert one["net"].seeds == one["NB"].seeds == [fold_seed(7, i) for i in range(6)]


def test_study_tables_have_the_published_layout(data):
    X, y = data
    study = compare_models(_models(), X, y, cv=CV)
    auc = study.auc_table()
    assert auc.columns == ["model", "AUC mean", "AUC std", "AUC p2.5", "AUC p97.5"]
    means = auc["AUC mean"]
    assert means == sorted(means, reverse=True)  # best first
    for row in auc.rows():
        per_repeat = study[row["model"]].per_repeat("auc")
        assert len(per_repeat) == 2  # one value per repetition: the mean of its 3 folds
        assert row["AUC mean"] == pytest.approx(per_repeat.mean())
        assert row["AUC std"] == pytest.approx(per_repeat.std(ddof=1))
        assert row["AUC p2.5"] <= row["AUC mean"] <= row["AUC p97.5"]
    rates = study.rates_table(digits=3)
    assert rates.columns == ["model", *RATES] and rates["model"] == auc["model"]
    tpr, tnr = study["LR"].describe("TPR"), study["LR"].describe("TNR")
    assert rates.rows()[auc["model"].index("LR")]["TPR"] == f"{tpr['mean']:.3f} ({tpr['std']:.3f})"
    fnr = study["LR"].describe("FNR")["mean"]
    assert fnr == pytest.approx(1 - tpr["mean"]) and 0 <= tnr["mean"] <= 1
    markdown = study.to_markdown()
    assert "| model | AUC mean | AUC std | AUC p2.5 | AUC p97.5 |" in markdown
    assert "| model | TPR | TNR | FNR | FPR | FDR | FOR |" in markdown
    figure = study.plot()
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == auc["model"]


def test_cross_validate_regression_and_functions_of_the_seed():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=60)
    result = cross_validate(LinearRegression(), X, y, cv=KFold(4, shuffle=True, random_state=0))
    assert result.metrics == ("mae", "mse", "rmse", "r2")
    assert result.describe("r2")["mean"] > 0.95
    np.testing.assert_allclose(result.scores("rmse"), np.sqrt(result.scores("mse")))
    seen = []

    def build(seed):
        seen.append(seed)
        return Ridge(alpha=1.0)

    cross_validate(build, X, y, cv=3, seed=5, metrics=["mae"])
    assert seen == [fold_seed(5, i) for i in range(3)]


def test_fresh_model_sets_every_random_state_and_holdout_scores_one_split(data):
    pipe = make_pipeline(StandardScaler(), NeuronaClassifier(random_state=1))
    assert fresh_model(pipe, 9).get_params()["neuronaclassifier__random_state"] == 9
    assert pipe.get_params()["neuronaclassifier__random_state"] == 1  # the original is kept
    X, y = data
    out = holdout(LogisticRegression(), X, y, test_size=0.3, metrics=["auc", "TPR"])
    assert len(out["test"]) == 27 and set(out["scores"]) == {"auc", "TPR"}
    scores = out["model"].predict_proba(X[out["test"]])[:, 1]
    assert out["scores"]["auc"] == pytest.approx(roc_auc_score(y[out["test"]], scores))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metrics": ["AUC"]}, ValueError, "expected metrics among"),
        ({"cv": "five"}, TypeError, "scikit-learn splitter"),
        ({"backend": "spark", "n_jobs": 2}, ValueError, "expected backend among"),
    ],
)
def test_bad_arguments_say_what_was_expected(data, kwargs, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        cross_validate(GaussianNB(), X, y, **kwargs)


def test_dask_without_a_cluster_says_how_to_start_one(data):
    _oracle("distributed")
    X, y = data
    with pytest.raises(ValueError, match="Client"):
        cross_validate(GaussianNB(), X, y, backend="dask")
