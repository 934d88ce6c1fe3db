"""Side lab: logistic regression as one neuron for breast-cancer diagnosis (docs/course.md N10, B2).

    ŷ = σ(x w + b)        J = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]        ∂J/∂w = (1/m) Xᵀ(ŷ − y)

Data: breast cancer Wisconsin (569 tumours, 30 features) through scikit-learn when it is
installed, else the Breast Cancer Coimbra set shipped with neurona (116 women, 9 blood
features); the lab says which. Class 1 is the disease (malignant tumour / patient), so the
true-positive rate is the sensitivity.
"""

from __future__ import annotations

import numpy as np

from neurona.classic import LogisticNeuron
from neurona.datasets import (
    load_breast_cancer_coimbra,
    load_breast_cancer_wisconsin,
    standardize,
    train_test_split,
)
from neurona.i18n import text
from neurona.labs._report import Report
from neurona.metrics import confusion_matrix_report, roc_auc
from neurona.viz import plot_curves

NAME = "logistic-neuron"
DESCRIPTION = (
    "logistic regression on breast cancer Wisconsin (Coimbra without scikit-learn): "
    "accuracy, AUC and the confusion-matrix rates"
)


def load_data(seed: int = 0, prefer: str = "wisconsin") -> dict:
    """The data set, split 75/25 stratified with ``seed`` and standardised with the training
    part's μ and σ; y = 1 for the disease.

    Args:
        seed: seed of the split.
        prefer: 'wisconsin' (scikit-learn's copy, when installed) or 'coimbra' (shipped).

    Example:
        >>> data = load_data(prefer="coimbra"); data["name"], data["X_train"].shape
        ('Breast Cancer Coimbra (shipped with neurona)', (87, 9))
    """
    data = None
    if prefer == "wisconsin":
        try:
            X, y = load_breast_cancer_wisconsin()
            y = 1 - y  # scikit-learn codes 0 malignant, 1 benign: make 1 the disease
            name = "breast cancer Wisconsin (diagnostic), via scikit-learn; 1 = malignant"
            data = (X, y)
        except ImportError:
            pass
    if data is None:
        X, y = load_breast_cancer_coimbra()
        name = "Breast Cancer Coimbra (shipped with neurona)"
    X = np.asarray(X, dtype=np.float64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    X_train, mu, sigma = standardize(X_train)
    X_test, _, _ = standardize(X_test, mu, sigma)
    return {
        "name": name,
        "X_train": X_train,
        "y_train": y_train,
        "X_test": X_test,
        "y_test": y_test,
    }


def run(
    epochs: int | None = None, out=None, seed: int = 0, fast: bool = False, print_fn=print
) -> dict:
    """The lab: train a LogisticNeuron with mini-batches of 32 and Adam (the course's rule),
    print accuracy, AUC and the confusion-matrix rates on the test part, and write
    metrics.json and loss.png.

    Args:
        epochs: passes over the training set (default 100; 10 with ``fast``).
        out: the report folder (default ``neurona-reports/logistic-neuron``; False: none).
        seed: seed of the split and of the shuffling.
        fast: fewer epochs.
        print_fn: where the text goes.

    Returns:
        {'data', 'epochs', 'train_accuracy', 'test_accuracy', 'test_auc', 'confusion',
        'loss_history'}; ``confusion`` holds TP, TN, FP, FN and TPR, TNR, FPR, FNR, … .

    Example:
        >>> results = run(epochs=20, out=False, print_fn=lambda line: None)
        >>> results["test_accuracy"] > 0.8, results["test_auc"] > 0.9
        (True, True)
    """
    print_fn = print_fn or (lambda line: None)  # None: silent (neurona lab --quiet)
    epochs = epochs or (10 if fast else 100)
    data = load_data(seed)
    print_fn(f"data: {data['name']}")
    print_fn(
        f"train {len(data['y_train'])} / test {len(data['y_test'])} samples, "
        f"{data['X_train'].shape[1]} standardised features; {epochs} epochs of Adam, "
        "mini-batches of 32"
    )
    model = LogisticNeuron(
        learning_rate=0.01, epochs=epochs, batch_size=32, optimizer="adam", random_state=seed
    ).fit(data["X_train"], data["y_train"])
    scores = model.predict_proba(data["X_test"])[:, 1]
    confusion = confusion_matrix_report(data["y_test"], scores)
    results = {
        "data": data["name"],
        "epochs": epochs,
        "train_accuracy": model.score(data["X_train"], data["y_train"]),
        "test_accuracy": model.score(data["X_test"], data["y_test"]),
        "test_auc": roc_auc(data["y_test"], scores),
        "confusion": confusion,
        "loss_history": model.loss_history_,
    }
    print_fn(
        text(
            "loss {first:.4f} (epoch 1) -> {last:.4f}",
            first=model.loss_history_[0],
            last=model.loss_history_[-1],
        )
    )
    print_fn(
        text(
            "accuracy: train {train:.3f}, test {test:.3f};  test AUC {auc:.3f}",
            train=results["train_accuracy"],
            test=results["test_accuracy"],
            auc=results["test_auc"],
        )
    )
    print_fn(
        f"confusion (threshold 0.5): TP {confusion['TP']}  FN {confusion['FN']}  "
        f"FP {confusion['FP']}  TN {confusion['TN']}"
    )
    print_fn(
        f"sensitivity TPR {confusion['TPR']:.3f}, specificity TNR {confusion['TNR']:.3f}, "
        f"FPR {confusion['FPR']:.3f}, FNR {confusion['FNR']:.3f}"
    )
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        report.plot(
            "loss.png",
            plot_curves,
            {"training loss": model.loss_history_},
            ylabel="binary cross-entropy",
            title=f"logistic neuron: {data['name']}",
        )
    for note in report.notes:
        print_fn(f"{text('note')}: {note}")
    if report.files:
        print_fn(f"{text('report')}: {report.folder}")
    return results
