"""Side lab: the course's regression lab on the Boston house prices (docs/course.md B1): a small
Dense network (MSE loss, MAE metric) chosen by k-fold cross-validation, next to the linear
neuron and scikit-learn's LinearRegression and Ridge on the same folds.

1. 20 % of the towns are kept aside as the test set; the other 80 % are split into k folds.
2. In each fold a fresh network is trained for ``epochs`` epochs on the other k − 1 folds
   (standardised with their own mean and deviation) and its validation MAE is recorded after
   every epoch; the mean and standard deviation across folds, per epoch, are plotted.
3. The epoch count is the one with the lowest mean validation MAE; one final network is
   trained for that many epochs on the whole 80 % and evaluated once on the test set.

ETHICS: the data set's column B = 1000(Bk − 0.63)², Bk the proportion of Black residents,
encodes the authors' assumption that racial self-segregation affects house prices;
scikit-learn removed the data set for this reason. This lab drops B and prints the note.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from neurona import layers
from neurona.classic import LinearNeuron
from neurona.datasets import Standardizer, load_boston_housing
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.models import Sequential
from neurona.selection import Table, cross_validate, fold_seed, fresh_model
from neurona.selection.plots import plot_fold_curves
from neurona.selection.scores import fold_scores
from neurona.sklearn import seeded

NAME = "house-prices"
DESCRIPTION = (
    "Boston house prices (column B dropped, ethics note shown): k-fold CV of a small Dense "
    "network (MSE, MAE), epochs chosen from the mean validation-MAE curve, one final fit; "
    "vs the linear neuron, LinearRegression and Ridge on the same folds"
)


def build_model(n_features: int) -> Sequential:
    """The course's network for house prices: Dense(64, relu), Dense(64, relu), Dense(1), with
    RMSprop, loss 'mse' and metric 'mae' (prices in $1000s).

    Example:
        >>> [layer.units for layer in build_model(12).layers]
        [64, 64, 1]
    """
    model = Sequential(
        [
            layers.Input((n_features,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


class StandardisedNeuron:
    """The course's linear neuron (``neurona.classic.LinearNeuron``: batch gradient descent,
    α = 0.1, 500 epochs from w = 0) on inputs standardised with the training data's μ and σ.
    (LinearNeuron is no scikit-learn estimator, so it cannot sit in a Pipeline.)

    Example:
        >>> X = np.array([[0.0], [10.0], [20.0]]); y = 3 * X[:, 0] + 1
        >>> StandardisedNeuron().fit(X, y).predict([[30.0]]).round(2)
        array([91.])
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, X: Any, y: Any) -> StandardisedNeuron:
        """Learn μ and σ of X, then train the neuron on the standardised X."""
        self.scaler_ = Standardizer().fit(X)
        neuron = LinearNeuron(learning_rate=0.1, epochs=500, random_state=self.seed)
        self.neuron_ = neuron.fit(self.scaler_.transform(X), y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """ŷ = ((x − μ)/σ) w + b."""
        return self.neuron_.predict(self.scaler_.transform(X))


def baselines() -> dict[str, Any]:
    """The models compared with the network, each fitted on standardised inputs.

    Example:
        >>> list(baselines())
        ['linear neuron', 'LinearRegression', 'Ridge']
    """
    return {
        "linear neuron": StandardisedNeuron,  # a function seed → model
        "LinearRegression": make_pipeline(StandardScaler(), LinearRegression()),
        "Ridge": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
    }


def _train(X, y, epochs, seed, print_fn, validation=None):
    """A fresh network, trained under ``seed`` on X standardised by its own μ and σ."""
    scaler = Standardizer().fit(X)
    with seeded(seed):
        model = build_model(X.shape[1])
        data = None if validation is None else (scaler.transform(validation[0]), validation[1])
        history = model.fit(
            scaler.transform(X),
            y,
            epochs=epochs,
            batch_size=16,
            validation_data=data,
            **fit_kwargs(print_fn, per_epoch=True),
        )
    return model, scaler, history.history


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    folds: int = 4,
) -> dict:
    """The lab (see the module's text); writes metrics.json, table.md, validation_mae.png and
    the final model.

    Args:
        epochs: the epochs of each fold's network (default 200; 4 with ``fast``).
        out: the report folder (default ``neurona-reports/house-prices``; False: none).
        seed: seeds the test split, the folds and every network.
        fast: 4 epochs, 3 folds (for tests).
        print_fn: where the text goes (None: nothing).
        folds: k.

    Returns:
        {'ethics_note', 'val_mae_mean', 'val_mae_std' (per epoch), 'chosen_epochs', 'table'
        (per model: CV MAE/MSE mean and sd on the same folds, test MAE/MSE), 'seconds'}.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> len(results["val_mae_mean"]), results["table"]["columns"][0]
        (4, 'model')
    """
    say = print_fn or (lambda *args: None)
    epochs = epochs or (4 if fast else 200)
    folds = 3 if fast else folds
    boston = load_boston_housing()  # without B
    X, y = (np.asarray(a, dtype=np.float64) for a in boston)
    say(text("ETHICS NOTE") + ": " + boston.description.split(". ", 1)[1])
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
    cv = KFold(n_splits=folds, shuffle=True, random_state=seed)
    say(
        text(
            "{train} towns for {folds}-fold CV, {test} kept for the test; {n} features "
            "({names}); price in $1000s",
            train=len(y_train),
            folds=folds,
            test=len(y_test),
            n=X.shape[1],
            names=", ".join(boston.feature_names),
        )
    )
    start = time.perf_counter()
    curves, mse_curves = [], []
    for i, (train, val) in enumerate(cv.split(X_train)):
        say(
            text(
                "fold {i}/{folds}: {train} towns to train, {val} to validate",
                i=i + 1,
                folds=folds,
                train=len(train),
                val=len(val),
            )
        )
        _, _, history = _train(
            X_train[train],
            y_train[train],
            epochs,
            fold_seed(seed, i),
            print_fn,
            validation=(X_train[val], y_train[val]),
        )
        curves.append(history["val_mae"])
        mse_curves.append(history["val_loss"])
    curves, mse_curves = np.asarray(curves), np.asarray(mse_curves)
    mean, std = curves.mean(axis=0), curves.std(axis=0, ddof=1)
    best = int(np.argmin(mean)) + 1
    say(
        text(
            "validation MAE: epoch 1 {first}, lowest at epoch {best} {lowest}, last {last} k$",
            first=f"{mean[0]:.2f} ± {std[0]:.2f}",
            best=best,
            lowest=f"{mean[best - 1]:.2f} ± {std[best - 1]:.2f}",
            last=f"{mean[-1]:.2f} ± {std[-1]:.2f}",
        )
    )
    rows = []
    net_mae, net_mse = curves[:, best - 1], mse_curves[:, best - 1]
    model, scaler, _ = _train(X_train, y_train, best, fold_seed(seed, folds), print_fn)
    test_pred = model.predict(scaler.transform(X_test), verbose=0)[:, 0]
    rows.append(
        [
            f"network ({best} epochs)",
            float(net_mae.mean()),
            float(net_mae.std(ddof=1)),
            float(net_mse.mean()),
            float(np.mean(np.abs(test_pred - y_test))),
            float(np.mean((test_pred - y_test) ** 2)),
        ]
    )
    for name, baseline in baselines().items():
        result = cross_validate(
            baseline, X_train, y_train, cv=cv, metrics=["mae", "mse"], seed=seed
        )
        fitted = fresh_model(baseline, seed).fit(X_train, y_train)
        test = fold_scores(fitted, X_test, y_test, ["mae", "mse"])
        mae = result.describe("mae")
        rows.append(
            [
                name,
                mae["mean"],
                mae["std"],
                result.describe("mse")["mean"],
                test["mae"],
                test["mse"],
            ]
        )
    seconds = time.perf_counter() - start
    table = Table(
        ["model", "CV MAE mean", "CV MAE sd", "CV MSE mean", "test MAE", "test MSE"], rows
    )
    say(
        "\n"
        + text(
            "the same {folds} folds for every model; test = the {n} towns kept aside",
            folds=folds,
            n=len(y_test),
        )
    )
    say(table.to_markdown(3))
    say(
        text(
            "(the network's CV row is its validation error at the epoch chosen on those same "
            "folds, so it is optimistic; the test columns are not)"
        )
    )
    results = {
        "ethics_note": boston.description,
        "features": list(boston.feature_names),
        "folds": folds,
        "epochs": epochs,
        "val_mae_mean": mean,
        "val_mae_std": std,
        "val_mae_folds": curves,
        "chosen_epochs": best,
        "final_model_input_mean": scaler.mean_,  # the saved model takes standardised inputs
        "final_model_input_scale": scaler.scale_,
        "table": table.to_dict(),
        "seconds": seconds,
    }
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        report.write_text("table.md", table.to_markdown(3) + "\n")
        report.plot(
            "validation_mae.png",
            plot_fold_curves,
            curves,
            chosen=best,
            ylabel=text("validation MAE ($1000s)"),
            title=text("Boston house prices: {folds}-fold CV of the Dense network", folds=folds)
            + (text(" (from epoch 11)") if epochs > 20 else ""),
            skip=10 if epochs > 20 else 0,
        )
        report.save_model(model)
    for note in report.notes:
        say(f"note: {note}")
    if report.files:
        say(f"report: {report.folder}")
    return results
