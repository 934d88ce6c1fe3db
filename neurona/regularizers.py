"""Floor 3: weight penalties L1, L2 and L1L2 (elastic net) that enter the loss the model minimises.

A layer's ``kernel_regularizer=L2(0.01)`` adds ``0.01·Σw²`` to the loss; the bias is left alone
unless ``bias_regularizer`` is set (Keras's rule, and the course's: "biases unregularised").
"""

from __future__ import annotations

import math
from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.errors import did_you_mean


def _factor(where: str, name: str, value: Any) -> float:
    """Keras's rule: a penalty factor is a finite, non-negative float."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{where}: expected {name} to be a non-negative float such as 0.01, "
            f"got {name}={value!r}."
        )
    return float(value)


class Regularizer:
    """Base class: ``penalty = regularizer(w)``, a scalar Tensor to add to the loss.

    Example:
        >>> class Sum(Regularizer):
        ...     def __call__(self, w):
        ...         return F.sum(w)
        >>> float(Sum()(Tensor([1.0, 2.0])).data)
        3.0
    """

    def __call__(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(x).")

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        """Rebuild a regulariser from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


class L1L2(Regularizer):
    """Elastic net: penalty = l1·Σ|w| + l2·Σw²  (``'l1l2'``).

        ∂penalty/∂w = l1·sign(w) + 2·l2·w      (sign(0) = 0)

    Keras 3's defaults are l1=0.0 and l2=0.0 (the string 'l1l2' gives a zero penalty), kept
    here for compatibility; pass the factors you want.

    Example:
        >>> round(float(L1L2(l1=0.1, l2=0.01)(Tensor([1.0, -2.0])).data), 6)  # 0.1·3 + 0.01·5
        0.35
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor("L1L2", "l1", 0.0 if l1 is None else l1)
        self.l2 = _factor("L1L2", "l2", 0.0 if l2 is None else l2)

    def __call__(self, x):
        x = _as_tensor(x)
        penalty = Tensor(x.data.dtype.type(0.0))
        if self.l1:
            penalty = penalty + self.l1 * F.sum(F.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * F.sum(F.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """Lasso: penalty = l1·Σ|w|, which pushes weights to exactly zero (``'l1'``, l1=0.01).

        ∂penalty/∂w = l1·sign(w)      (sign(0) = 0)

    Example:
        >>> float(L1(0.5)(Tensor([1.0, -2.0])).data)  # 0.5·(1 + 2)
        1.5
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _factor("L1", "l1", 0.01 if l1 is None else l1)

    def __call__(self, x):
        return self.l1 * F.sum(F.abs(_as_tensor(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """Ridge / weight decay: penalty = l2·Σw² (``'l2'``, l2=0.01); the course's λwᵀw.

        ∂penalty/∂w = 2·l2·w

    No ½ here (Keras's form), so an optimiser's decoupled ``weight_decay=d`` corresponds to
    ``L2(d / 2)`` for plain SGD.

    Example:
        >>> float(L2(0.5)(Tensor([1.0, -2.0])).data)  # 0.5·(1 + 4)
        2.5
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _factor("L2", "l2", 0.01 if l2 is None else l2)

    def __call__(self, x):
        return self.l2 * F.sum(F.square(_as_tensor(x)))

    def get_config(self):
        return {"l2": self.l2}


_BY_NAME: dict[str, type] = {
    "L1": L1,
    "L2": L2,
    "L1L2": L1L2,
    "l1": L1,
    "l2": L2,
    "l1l2": L1L2,
    "l1_l2": L1L2,
    "Regularizer": Regularizer,
}


# Keras's lower-case aliases: regularizers.l2(0.01) is L2(0.01)
l1, l2 = L1, L2


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:  # noqa: F811 - Keras's argument names
    """Keras's ``regularizers.l1_l2``: an L1L2 penalty (default 0.01 each, as Keras).

    Example:
        >>> l1_l2(l2=0.5).get_config()
        {'l1': 0.01, 'l2': 0.5}
    """
    return L1L2(l1=l1, l2=l2)


def _lookup(name: str) -> type:
    if name in _BY_NAME:
        return _BY_NAME[name]
    valid = ["l1", "l1l2", "l2"]
    hint = did_you_mean(name, valid)
    raise ValueError(
        f"regularizers.get: expected one of {valid} (or 'L1', 'L2', 'L1L2'), got {name!r}.{hint}"
    )


def serialize(regularizer: Regularizer) -> dict:
    """A JSON-friendly dict in Keras 3's layout: class_name + config.

    Example:
        >>> serialize(L2(0.001))["config"]
        {'l2': 0.001}
    """
    return {
        "module": "neurona.regularizers",
        "class_name": type(regularizer).__name__,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict) -> Regularizer:
    """Rebuild a regulariser from :func:`serialize`'s dict (Keras's dicts work too).

    Example:
        >>> deserialize({"class_name": "L1", "config": {"l1": 0.2}})
        L1(l1=0.2)
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"regularizers.deserialize: expected a dict with 'class_name' and "
            f"'config', got {config!r}."
        )
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Regularizer | Any | None:
    """Resolve None, a string id ('l1', 'l2', 'l1l2'), a config dict, a class or a callable.

    Example:
        >>> get("l2")
        L2(l2=0.01)
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"regularizers.get: expected a name such as 'l2', a config dict, a "
        f"Regularizer or a callable(w), got {identifier!r}."
    )
