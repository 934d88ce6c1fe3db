"""Floor 5: the argument checks of ``fit``, ``evaluate`` and ``predict`` that run before any
work, so that a wrong type or value gets the house message (where, what was expected, what was
got, how to fix it) instead of a raw Python error deep in a loop or a silent default."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "check_call_arguments",
    "check_class_weight",
    "check_loss_weights",
    "check_samples",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, (Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def _int_at_least(where: str, name: str, value: Any, low: int, fix: str) -> None:
    if not _is_int(value) or value < low:
        kind = "a positive int" if low == 1 else f"an int ≥ {low}"
        wrong_type = not isinstance(value, Real) or isinstance(value, bool)
        raise (TypeError if wrong_type else ValueError)(
            f"{where}: expected {name} to be {kind}, got {value!r} ({type(value).__name__}). {fix}"
        )


def check_call_arguments(where: str, **arguments: Any) -> None:
    """Check the arguments given (by name) among batch_size, steps, epochs, initial_epoch,
    verbose, validation_split and shuffle, as Keras takes them.

    Example:
        >>> check_call_arguments("fit", batch_size=32, epochs=3, verbose="auto")
        >>> try:
        ...     check_call_arguments("fit", epochs=2.5)
        ... except ValueError as error:
        ...     print(error)
        fit: expected epochs to be an int ≥ 0, got 2.5 (float). Pass a whole number, e.g. epochs=10.
    """
    if "batch_size" in arguments and arguments["batch_size"] is not None:
        _int_at_least(
            where,
            "batch_size",
            arguments["batch_size"],
            1,
            "Pass a whole number such as 32, or None for Keras's default 32.",
        )
    if "steps" in arguments and arguments["steps"] is not None:
        _int_at_least(
            where, "steps", arguments["steps"], 1, "Pass a number of batches, or None for all."
        )
    for name in ("epochs", "initial_epoch"):
        if name in arguments:
            _int_at_least(where, name, arguments[name], 0, f"Pass a whole number, e.g. {name}=10.")
    if "epochs" in arguments and arguments.get("initial_epoch", 0) > arguments["epochs"]:
        raise ValueError(
            f"{where}: expected initial_epoch ≤ epochs, got initial_epoch="
            f"{arguments['initial_epoch']} and epochs={arguments['epochs']}. epochs is the "
            "index of the last epoch, not a count from initial_epoch."
        )
    if "verbose" in arguments:
        verbose = arguments["verbose"]
        if verbose != "auto" and not (_is_int(verbose) and 0 <= verbose <= 2):
            raise (ValueError if isinstance(verbose, (str, Integral)) else TypeError)(
                f"{where}: expected verbose to be 'auto', 0 (silent), 1 (progress bar) or 2 "
                f"(one line per epoch), got {verbose!r}."
            )
    if "validation_split" in arguments:
        split = arguments["validation_split"]
        if isinstance(split, bool) or not isinstance(split, Real):
            raise TypeError(
                f"{where}: expected validation_split to be a number in [0, 1), got {split!r} "
                f"({type(split).__name__}). Pass e.g. validation_split=0.2."
            )
        if not (0 <= float(split) < 1):
            raise ValueError(
                f"{where}: expected validation_split in [0, 1), got {split!r}. Pass e.g. "
                "validation_split=0.2 to hold out the last 20 % of the samples."
            )
    if "shuffle" in arguments:
        shuffle = arguments["shuffle"]
        if not isinstance(shuffle, (bool, np.bool_)) and shuffle != "batch":
            raise TypeError(
                f"{where}: expected shuffle to be True, False or 'batch', got {shuffle!r}."
            )


def check_samples(where: str, n: int | None) -> None:
    """Refuse data with no samples (Keras refuses it too): a loss over nothing is not 0.

    Example:
        >>> check_samples("fit", 8)
        >>> try:
        ...     check_samples("fit", 0)
        ... except ValueError as error:
        ...     print(str(error)[:41])
        fit: expected at least one sample, got 0.
    """
    if n is not None and n == 0:
        raise ValueError(
            f"{where}: expected at least one sample, got 0. Check the data (an empty "
            "selection or split?)."
        )


def check_class_weight(class_weight: Any, n_classes: int | None) -> None:
    """Keras's class_weight: a dict {class index: weight} whose keys are class indices of the
    model's output (0 … n_classes − 1; 0 and 1 for one sigmoid unit) and whose weights are
    finite numbers ≥ 0.

    Example:
        >>> check_class_weight({0: 1.0, 1: 5.0}, 2)
        >>> try:
        ...     check_class_weight({0: 1.0, 7: 5.0}, 3)
        ... except ValueError as error:
        ...     print(str(error)[:70])
        fit: expected class_weight keys among the classes 0 … 2, got unknown c
    """
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"fit: expected class_weight to be a dict {{class index: weight}}, e.g. "
            f"{{0: 1.0, 1: 5.0}}, got {type(class_weight).__name__}."
        )
    bad_keys = [k for k in class_weight if not _is_int(k) or k < 0]
    bad_values = {
        k: v
        for k, v in class_weight.items()
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v < 0
    }
    if bad_keys or bad_values:
        raise TypeError(
            f"fit: expected class_weight as {{class index (int ≥ 0): weight (a finite number "
            f"≥ 0)}}, got bad keys {bad_keys} and bad weights {bad_values}."
        )
    if n_classes is not None:
        unknown = sorted(k for k in class_weight if k >= n_classes)
        if unknown:
            raise ValueError(
                f"fit: expected class_weight keys among the classes 0 … {n_classes - 1}, got "
                f"unknown classes {unknown}. The model's output has {n_classes} classes; "
                "check the keys (Keras refuses them too)."
            )


def check_loss_weights(loss_weights: Any) -> None:
    """compile's loss_weights: None, a finite number, or a list/tuple/dict of them (None in a
    list or dict keeps an output's weight at 1).

    Example:
        >>> check_loss_weights({"out": 0.5}), check_loss_weights(None)
        (None, None)
        >>> try:
        ...     check_loss_weights("x")
        ... except TypeError as error:
        ...     print(str(error)[:55])
        compile: expected loss_weights to be None, a number, or
    """
    values = (
        list(loss_weights.values())
        if isinstance(loss_weights, dict)
        else list(loss_weights)
        if isinstance(loss_weights, (list, tuple))
        else [loss_weights]
    )
    bad = [
        w
        for w in values
        if w is not None
        and (isinstance(w, bool) or not isinstance(w, Real) or not math.isfinite(float(w)))
    ]
    if bad or (loss_weights is not None and not values):
        raise TypeError(
            "compile: expected loss_weights to be None, a number, or a list or dict (by output "
            f"name) of finite numbers, got {loss_weights!r}. E.g. loss_weights=[1.0, 0.2]."
        )
