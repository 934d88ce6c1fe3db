"""Side: what NeuronaClassifier and NeuronaRegressor share — the parameters, building a fresh
network at each ``fit`` (from layer sizes, a model-building function or a Sequential config),
compiling it, training it under its own seed, and pickling it as config + weights."""

from __future__ import annotations

import contextlib
import inspect
import numbers
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator
    from sklearn.utils import check_random_state
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError:  # pragma: no cover - the message is the point
    raise ImportError(
        "neurona.sklearn: expected scikit-learn, got no module 'sklearn'. Install it with: "
        'pip install "neurona[data]" (or pip install scikit-learn).'
    ) from None

from neurona import backend, layers, optimizers, regularizers
from neurona.models import Sequential, model_from_json

__all__ = ["NeuronaEstimator", "seeded"]

_SEED_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run the block with neurona's shared generator (weights, shuffling, dropout) seeded by
    ``seed`` and put the caller's generator back afterwards; None leaves it as it is.

    Unlike ``neurona.backend.set_random_seed`` it touches neither NumPy's global generator nor
    ``random``. Blocks in different threads of one process take turns (a lock), since the
    generator is shared by the whole process; processes (joblib's default, Dask, Ray) do not.

    Example:
        >>> with seeded(3):
        ...     a = backend.rng().normal()
        >>> with seeded(3):
        ...     a == backend.rng().normal()
        True
    """
    if seed is None:
        yield
        return
    with _SEED_LOCK:
        saved = backend._RNG
        backend._RNG = np.random.default_rng(int(seed))
        try:
            yield
        finally:
            backend._RNG = saved


def _builder_kwargs(function: Callable, available: dict) -> dict:
    """The entries of ``available`` that ``function`` accepts by name (all with **kwargs)."""
    parameters = inspect.signature(function).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return dict(available)
    return {name: value for name, value in available.items() if name in parameters}


class NeuronaEstimator(BaseEstimator):
    """A neurona network as a scikit-learn estimator (the base of NeuronaClassifier and
    NeuronaRegressor; use those).

    Args:
        model: what to train, rebuilt from scratch at every ``fit``:
            None: a multilayer perceptron of ``hidden_layer_sizes`` Dense layers with
            ``activation`` and L1/L2 kernel penalties ``l1``, ``l2``, and the output layer the
            task needs; a callable: a model-building function, called with the keyword arguments
            it names among ``n_features_in``, ``n_outputs``, ``task`` ('binary', 'multiclass'
            or 'regression') and the entries of ``model_params``, returning a neurona model
            (compiled or not); a dict: a Sequential config (``model.get_config()``).
        model_params: extra keyword arguments for a model-building function (tunable as one
            parameter, e.g. in a GridSearchCV grid).
        hidden_layer_sizes, activation, l1, l2: the default network (``model=None``).
        optimizer, learning_rate: the optimiser (a Keras name with ``learning_rate``, or an
            Optimizer, copied at each fit), used when the model comes uncompiled.
        loss: None chooses by task (binary_crossentropy, sparse_categorical_crossentropy, mse).
        epochs, batch_size, shuffle, verbose: passed to ``model.fit``.
        random_state: an int seeds the initial weights and the shuffling of each fit (so two
            fits give the same network); None draws from neurona's shared generator.

    Example:
        >>> sorted(NeuronaEstimator(epochs=5).get_params())[:4]
        ['activation', 'batch_size', 'epochs', 'hidden_layer_sizes']
    """

    def __init__(
        self,
        model: Any = None,
        model_params: dict | None = None,
        hidden_layer_sizes: tuple = (100,),
        activation: str = "relu",
        l1: float = 0.0,
        l2: float = 0.0,
        optimizer: str = "adam",
        learning_rate: float = 0.001,
        loss: Any = None,
        epochs: int = 100,
        batch_size: int = 32,
        shuffle: bool = True,
        random_state: Any = None,
        verbose: int = 0,
    ) -> None:
        self.model = model
        self.model_params = model_params
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.l1 = l1
        self.l2 = l2
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose

    # --- building -------------------------------------------------------------------------
    def _where(self, method: str) -> str:
        return f"{type(self).__name__}.{method}"

    def _check_params(self) -> None:
        where = self._where("fit")
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{where}: expected {name} to be an int ≥ 1, got {value!r}.")
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else sizes
        if not all(isinstance(s, numbers.Integral) and s >= 1 for s in sizes):
            raise ValueError(
                f"{where}: expected hidden_layer_sizes to be ints ≥ 1, e.g. (102, 102, 102), "
                f"got {self.hidden_layer_sizes!r}."
            )
        if not (callable(self.model) or isinstance(self.model, dict) or self.model is None):
            raise TypeError(
                f"{where}: expected model to be None, a model-building function or a "
                f"Sequential config dict (model.get_config()), got {type(self.model).__name__}."
            )

    def _default_network(self, n_features: int, n_outputs: int, last: str) -> Sequential:
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else tuple(sizes)
        penalty = regularizers.L1L2(l1=self.l1, l2=self.l2) if (self.l1 or self.l2) else None
        hidden = [
            layers.Dense(int(units), activation=self.activation, kernel_regularizer=penalty)
            for units in sizes
        ]
        return Sequential([layers.Input((n_features,)), *hidden, layers.Dense(n_outputs, last)])

    def _build(self, n_features: int, n_outputs: int, task: str) -> Any:
        last = {"binary": "sigmoid", "multiclass": "softmax"}.get(task, "linear")
        if self.model is None:
            network = self._default_network(n_features, n_outputs, last)
        elif isinstance(self.model, dict):
            network = Sequential.from_config(self.model)
        else:
            available = {
                "n_features_in": n_features,
                "n_outputs": n_outputs,
                "task": task,
                **(self.model_params or {}),
            }
            network = self.model(**_builder_kwargs(self.model, available))
        if not getattr(network, "compiled", False):
            if isinstance(self.optimizer, str):  # a name: a fresh one with learning_rate
                optimizer = optimizers.get(
                    {"class_name": self.optimizer, "config": {"learning_rate": self.learning_rate}}
                )
            else:  # an Optimizer: a fresh copy with its own settings, never shared by two fits
                optimizer = optimizers.deserialize(optimizers.serialize(self.optimizer))
            loss = self.loss or {
                "binary": "binary_crossentropy",
                "multiclass": "sparse_categorical_crossentropy",
            }.get(task, "mse")
            network.compile(optimizer=optimizer, loss=loss)
        return network

    def _fit_network(
        self, X: np.ndarray, y: np.ndarray, sample_weight: Any, task: str, n_outputs: int
    ):
        self._check_params()
        if sample_weight is not None:
            sample_weight = self._check_sample_weight(sample_weight, len(X))
        seed = self.random_state
        if seed is not None and not isinstance(seed, numbers.Integral):
            seed = int(check_random_state(seed).randint(2**31 - 1))
        with seeded(seed):
            self.model_ = self._build(X.shape[1], n_outputs, task)
            self.history_ = self.model_.fit(
                X,
                y,
                epochs=self.epochs,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                sample_weight=sample_weight,
                verbose=self.verbose,
            ).history
        return self

    def _check_sample_weight(self, sample_weight: Any, n: int) -> np.ndarray:
        weights = np.asarray(sample_weight, dtype=np.float64)
        weights = np.full(n, float(weights)) if weights.ndim == 0 else weights
        if weights.shape != (n,) or not np.isfinite(weights).all() or (weights < 0).any():
            raise ValueError(
                f"{self._where('fit')}: expected sample_weight of shape ({n},), finite and ≥ 0 "
                f"(one weight per row of X), got shape {weights.shape}. Pass one weight per sample."
            )
        if not weights.sum() > 0:
            raise ValueError(
                f"{self._where('fit')}: expected sample weights with a positive sum, got all "
                "zeros. Give some samples a weight > 0."
            )
        return weights.astype(np.float32)

    def _output(self, X: Any, method: str) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=np.float32)
        out = np.asarray(self.model_.predict(X, batch_size=max(len(X), 1), verbose=0))
        if not np.isfinite(out).all():
            raise ValueError(
                f"{self._where(method)}: the network's output holds NaN or inf (training "
                "diverged). Lower learning_rate or standardise the features."
            )
        return out.astype(np.float64)

    def _validate_fit(self, X: Any, y: Any, **kwargs: Any):
        return validate_data(
            self, X, y, dtype=np.float32, y_numeric=kwargs.pop("y_numeric", False), **kwargs
        )

    # --- pickling: the network travels as its JSON config and weights ---------------------
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        model = state.get("model_")
        if model is not None:
            try:
                state["model_"] = {"json": model.to_json(), "weights": model.get_weights()}
            except (NotImplementedError, TypeError, ValueError, AttributeError):
                pass  # a subclassed model without get_config travels as it is
        return state

    def __setstate__(self, state: dict) -> None:
        model = state.get("model_")
        if isinstance(model, dict) and "json" in model:
            network = model_from_json(model["json"])
            network.set_weights(model["weights"])
            state = {**state, "model_": network}
        super().__setstate__(state)
